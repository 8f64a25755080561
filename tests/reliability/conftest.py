"""The reliability tests' database of their own and the crawls of hostile sites into it
(tests/support/hostile_crawl.py runs them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db import schema
from tests.support.databases import DatabaseMaker
from tests.support.hostile_crawl import HostileCrawler, SiteCrawl


@pytest.fixture(scope="session")
def reliability_url(databases: DatabaseMaker) -> str:
    url = databases.create("akhbar_reliability")
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def crawler(
    reliability_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileCrawler]:
    crawler = HostileCrawler(reliability_url, tmp_path_factory.mktemp("crawl-logs"))
    yield crawler
    crawler.stop()


@pytest.fixture(scope="session")
def hostile(crawler: HostileCrawler) -> SiteCrawl:
    """The crawl of the site with every fault at once."""
    return crawler.crawl("hostile.test")
