"""A page the crawl has read is freed at once, not when the garbage collector next runs.

The crawl process collects seldom (crawler.gc_tuning); Scrapy's response and its cached
selector point at each other, so without ``forget_parse`` every parsed page would wait
for a collection.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders.base import forget_parse
from crawler.spiders.casablancatoday import CasablancatodaySpider
from tests.support import FIXTURES

LISTING = FIXTURES / "casablancatoday" / "site" / "latest" / "index.html"
URL = "https://www.casablancatoday.com/latest/"


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def listing() -> HtmlResponse:
    request = Request(URL, meta={"listing_depth": 0})
    return HtmlResponse(url=URL, body=LISTING.read_bytes(), encoding="utf-8", request=request)


def test_a_parsed_response_lives_until_a_collection_when_it_is_not_forgotten(no_collector):
    response = listing()
    assert response.selector.root is not None
    gone = weakref.ref(response)
    del response
    assert gone() is not None  # the cycle the spider breaks


def test_a_forgotten_parse_frees_the_response_by_reference_counting(no_collector):
    response = listing()
    assert response.selector.root is not None
    forget_parse(response)
    gone = weakref.ref(response)
    del response
    assert gone() is None


def test_a_listing_page_is_freed_once_its_links_are_read(no_collector):
    crawler = get_crawler(CasablancatodaySpider, settings_dict={"AKHBAR_MAX_LISTING_PAGES": 50})
    spider = CasablancatodaySpider.from_crawler(crawler)
    response = listing()
    requests = list(spider.parse_listing(response))
    assert requests
    gone = weakref.ref(response)
    del response
    assert gone() is None


def test_a_forgotten_response_parses_again_when_asked() -> None:
    response = listing()
    first = response.selector.css("a::attr(href)").getall()
    forget_parse(response)
    assert response.selector.css("a::attr(href)").getall() == first
