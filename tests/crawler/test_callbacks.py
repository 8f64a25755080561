"""Scrapy reads a generator callback's source once a crawl, not once a request.

Before it calls a callback, Scrapy checks whether it is a generator that returns a value
(it reads and parses the method's source, ~2 ms) and remembers the answer in a weak
dictionary keyed by the bound method; the spider's requests share one bound method a
callback, so the answer outlives each request.
"""

from __future__ import annotations

import gc
import inspect

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import warn_on_generator_with_return_value
from scrapy.utils.test import get_crawler

from crawler.spiders.casablancatoday import CasablancatodaySpider
from tests.support import FIXTURES

LISTING = FIXTURES / "casablancatoday" / "site" / "latest" / "index.html"
URL = "https://www.casablancatoday.com/latest/"


def _listing() -> HtmlResponse:
    request = Request(URL, meta={"listing_depth": 0})
    return HtmlResponse(url=URL, body=LISTING.read_bytes(), encoding="utf-8", request=request)


def test_a_listing_callbacks_source_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    crawler = get_crawler(CasablancatodaySpider, settings_dict={"AKHBAR_MAX_LISTING_PAGES": 50})
    spider = CasablancatodaySpider.from_crawler(crawler)
    read: list[str] = []
    getsource = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda f: read.append(f.__name__) or getsource(f))
    for _ in range(3):
        spider._requested.clear()  # the same listing again names its articles again
        requests = list(spider.parse_listing(_listing()))
        assert any(r.callback == spider.parse_listing for r in requests)
        for request in requests:
            warn_on_generator_with_return_value(spider, request.callback)
        del requests
        gc.collect()
    assert len(read) == 1
