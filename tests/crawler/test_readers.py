"""Reader processes read an outlet's article pages exactly as the crawl process would.

The reader is the real child process (``python -m crawler.reader_worker``); the crawls are
real ``scrapy crawl`` processes of a saved outlet site, once with a reader process and
once reading in the crawl process (``AKHBAR_READERS = 0``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from akhbar.static_server import StaticSite
from crawler.child_process import ChildProcess
from crawler.extraction import read_page
from crawler.outlet_page import OutletArticle, read_article
from crawler.registry import outlet_spiders
from db import schema
from db.config import load_config
from scheduler.crawl import CrawlRequest, run_crawl
from tests.support import FIXTURES
from tests.support.daemon import query

OUTLETS = {"casablancatoday": "www.casablancatoday.com", "hawarnews": "www.hawarnews.com"}


def saved_pages(outlet: str) -> list[tuple[str, Path]]:
    """(production URL, file) of every page of the outlet's saved site."""
    index = json.loads((FIXTURES / outlet / "site" / "_truth" / "index.json").read_text())
    origin = index["production_origin"].rstrip("/")
    pages = []
    for entry in index["entries"]:
        path = FIXTURES / outlet / "site" / entry["url_path"].lstrip("/")
        if path.is_dir() or not path.suffix:
            path = path / "index.html"
        if path.is_file():
            pages.append((origin + entry["url_path"], path))
    return pages


def comparable(article: OutletArticle | None) -> Any:
    if article is None:
        return None
    errors = [(e.field, type(e.error).__name__, str(e.error)) for e in article.field_errors]
    return asdict(article.item), errors


@pytest.fixture(scope="module")
def reader() -> Iterator[ChildProcess]:
    process = ChildProcess("crawler.reader_worker", None)
    yield process
    process.close(timeout=30)


@pytest.mark.parametrize("outlet", sorted(OUTLETS))
def test_a_reader_process_reads_every_saved_page_as_the_crawl_process_does(
    reader: ChildProcess, outlet: str
) -> None:
    spider = outlet_spiders()[outlet]
    pages = saved_pages(outlet)
    assert len(pages) > 20
    articles = 0
    for url, path in pages:
        response = HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8")
        here = read_article(response, spider.layout, spider.name, spider.outlet)
        there = reader.call(
            "read_article",
            HtmlResponse,
            url,
            response.body,
            response.encoding,
            spider.layout,
            spider.name,
            spider.outlet,
        ).result(timeout=60)
        assert comparable(there) == comparable(here), url
        articles += here is not None
    assert articles > 10


def stored_articles(url: str) -> list[dict]:
    return query(
        url,
        "SELECT url, title, subtitle, body, authors, tags, section, dateline, published_at,"
        " modified_at, image_url, language, word_count, content_hash FROM articles ORDER BY url",
    )


@pytest.mark.db
@pytest.mark.crawl
def test_a_crawl_stores_the_same_articles_with_readers_and_without(
    databases, tmp_path: Path
) -> None:
    outlet = "hawarnews"
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / outlet / "site", root, ignore=shutil.ignore_patterns("_truth"))
    stored = {}
    with StaticSite(root) as server:
        for readers in ("0", "1"):
            url = databases.create(f"akhbar_readers_{readers}")
            schema.upgrade(url)
            config = load_config(environ={"AKHBAR_DATABASE_URL": url})
            settings = {
                "AUTOTHROTTLE_ENABLED": "False",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
                "AKHBAR_READERS": readers,
                "AKHBAR_CAPTURE": "False",
            }
            request = CrawlRequest(
                outlet=outlet, host_map={OUTLETS[outlet]: server.origin}, settings=settings
            )
            assert run_crawl(config, request).status == "succeeded"
            stored[readers] = stored_articles(url)
    assert len(stored["0"]) > 10
    assert stored["1"] == stored["0"]


def test_a_reader_process_reads_pages_with_the_generic_extraction_as_the_crawl_does(
    reader: ChildProcess,
) -> None:
    articles = 0
    for outlet in sorted(OUTLETS):
        for url, path in saved_pages(outlet)[:40]:
            html = path.read_text(encoding="utf-8")
            here = read_page(html, url, timezone=None)
            there = reader.call("read_page", html, url, None).result(timeout=60)
            assert (there and asdict(there)) == (here and asdict(here)), url
            articles += here is not None
    assert articles > 10
