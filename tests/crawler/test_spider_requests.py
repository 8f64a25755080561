"""What an outlet spider asks Scrapy for: each further listing page once, and callbacks
whose checks Scrapy remembers."""

from __future__ import annotations

import gc
import inspect

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import warn_on_generator_with_return_value
from scrapy.utils.test import get_crawler

from crawler.spiders.casablancatoday import CasablancatodaySpider
from tests.support import FIXTURES

SITE = FIXTURES / "casablancatoday" / "site"
ORIGIN = "https://www.casablancatoday.com/"


def _spider() -> CasablancatodaySpider:
    crawler = get_crawler(CasablancatodaySpider, settings_dict={"AKHBAR_MAX_LISTING_PAGES": 50})
    return CasablancatodaySpider.from_crawler(crawler)


def _listing(path: str, depth: int = 0) -> HtmlResponse:
    request = Request(ORIGIN + path, meta={"listing_depth": depth})
    body = (SITE / path / "index.html").read_bytes()
    return HtmlResponse(url=ORIGIN + path, body=body, encoding="utf-8", request=request)


def _listing_urls(spider: CasablancatodaySpider, requests: list[Request]) -> list[str]:
    return [r.url for r in requests if r.callback == spider.parse_listing]


def test_a_further_listing_page_named_by_several_pages_is_requested_once() -> None:
    spider = _spider()
    first = _listing_urls(spider, list(spider.parse_listing(_listing("latest/"))))
    second = _listing_urls(spider, list(spider.parse_listing(_listing("latest/page/2/", 1))))
    assert first == [ORIGIN + f"latest/page/{n}/" for n in (2, 3, 4)]
    assert second == []  # page 2 links to pages 3 and 4, already asked for


def test_scrapy_reads_a_listing_callbacks_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy checks whether a callback is a generator that returns a value by reading and
    parsing its source (~2 ms), and keeps the answer in a weak dictionary keyed by the bound
    method: it must outlive the request that carried the callback."""
    spider = _spider()
    read: list[str] = []
    getsource = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda f: read.append(f.__name__) or getsource(f))
    for path in ("latest/", "world/"):
        requests = list(spider.parse_listing(_listing(path)))
        assert _listing_urls(spider, requests)
        for request in requests:
            warn_on_generator_with_return_value(spider, request.callback)
        del requests
        gc.collect()
    assert read == ["parse_listing"]
