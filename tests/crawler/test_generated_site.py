"""The benchmarks' generated copy of casablancatoday.com, crawled by the real spider: every
article is archived, and a re-crawl after new articles costs only the discovery documents
and the new pages, as ``benchmarks/recrawl.py`` claims at scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.static_server import StaticSite
from benchmarks.recrawl import changed_sitemaps, entry_documents, sitemap_lastmods
from benchmarks.site import HOST, load_texts, write_site
from db import schema
from db.config import load_config
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl

pytestmark = [pytest.mark.db, pytest.mark.crawl]

ARTICLES, NEW = 60, 5
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


def crawl(database_url: str, origin: str) -> CrawlResult:
    config = load_config(environ={"AKHBAR_DATABASE_URL": database_url})
    request = CrawlRequest(
        outlet="casablancatoday", host_map={HOST: origin}, settings=FAST, timeout=120
    )
    return run_crawl(config, request)


def test_generated_site_is_archived_whole_and_recrawled_at_a_cost_independent_of_its_size(
    databases, tmp_path: Path
) -> None:
    database_url = databases.create("akhbar_generated")
    schema.upgrade(database_url)
    texts, _ = load_texts(corpus=None)  # generated text: the test needs no corpus
    write_site(tmp_path, ARTICLES, page_kb=4, texts=texts)
    with StaticSite(tmp_path) as site:
        first = crawl(database_url, site.origin)
        before = sitemap_lastmods(tmp_path)
        write_site(tmp_path, ARTICLES + NEW, first=ARTICLES, page_kb=4, texts=texts)
        discovery = entry_documents() + changed_sitemaps(before, sitemap_lastmods(tmp_path))
        again = crawl(database_url, site.origin)
    assert (first.status, first.articles_new, first.errors) == ("succeeded", ARTICLES, 0)
    assert (again.status, again.articles_new, again.errors) == ("succeeded", NEW, 0)
    assert again.pages_crawled <= discovery + NEW, (again.pages_crawled, discovery)
