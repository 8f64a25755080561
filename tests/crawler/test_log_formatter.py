"""The log formatter builds Scrapy's per-response and per-item DEBUG messages only when
LOG_LEVEL shows them."""

from __future__ import annotations

import logging

from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler

from crawler.log_formatter import LogFormatter

URL = "https://www.casablancatoday.com/morocco/2019/01/01/300001.html"


def _formatter(level: str | int) -> LogFormatter:
    return LogFormatter.from_crawler(get_crawler(Spider, {"LOG_LEVEL": level}))


def _response() -> HtmlResponse:
    return HtmlResponse(URL, body=b"<html></html>", request=Request(URL))


def test_crawled_and_scraped_messages_are_not_built_at_info() -> None:
    formatter, response, spider = _formatter("INFO"), _response(), Spider("s")
    assert formatter.crawled(response.request, response, spider) is None
    assert formatter.scraped({"url": URL}, response, spider) is None


def test_crawled_and_scraped_messages_are_scrapys_at_debug() -> None:
    formatter, response, spider = _formatter("DEBUG"), _response(), Spider("s")
    crawled = formatter.crawled(response.request, response, spider)
    scraped = formatter.scraped({"url": URL}, response, spider)
    assert crawled is not None and crawled["level"] == logging.DEBUG
    assert scraped is not None and scraped["args"]["src"] is response


def test_a_numeric_log_level_is_understood() -> None:
    response, spider = _response(), Spider("s")
    assert _formatter(logging.WARNING).crawled(response.request, response, spider) is None
    assert _formatter(logging.DEBUG).crawled(response.request, response, spider) is not None


def test_crawls_use_this_formatter() -> None:
    from scrapy.utils.project import get_project_settings

    assert get_project_settings()["LOG_FORMATTER"] == "crawler.log_formatter.LogFormatter"
