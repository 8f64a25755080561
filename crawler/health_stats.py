"""Counting what a crawl's health is measured on, in the crawl's stats (see :mod:`crawler.health`).

A spider middleware because it must see the responses that reached the spider
(an HTTP error never does: it is an error, counted by its reason) and the
article requests discovery made; the articles stored it counts from the
``item_scraped`` signal, sent once an item went through every pipeline.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.health import (
    ARTICLE_PAGES,
    ARTICLE_URLS_REQUESTED,
    ARTICLES_EXTRACTED,
    FIELD_PREFIX,
    filled_fields,
)
from crawler.spiders.base import OutletSpider

_ARTICLE_CALLBACK = OutletSpider._parse_article_page.__name__


def is_article_request(request: Request | None) -> bool:
    """Whether the spider asked for ``request`` as an article page."""
    callback = request.callback if request is not None else None
    return getattr(callback, "__name__", None) == _ARTICLE_CALLBACK


class HealthStatsMiddleware:
    """Counts article pages fetched, article URLs requested, articles stored and their fields."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthStatsMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        return middleware

    def process_spider_input(self, response: Response) -> None:
        if is_article_request(response.request):
            self.stats.inc_value(ARTICLE_PAGES)

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if is_article_request(request):
            self.stats.inc_value(ARTICLE_URLS_REQUESTED)

    def item_scraped(self, item: Any) -> None:
        self.stats.inc_value(ARTICLES_EXTRACTED)
        for field in filled_fields(item):
            self.stats.inc_value(FIELD_PREFIX + field)
