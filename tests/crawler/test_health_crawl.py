"""Extraction health end to end: real crawls of a served copy of hawarnews.

The copy's templates are changed between crawls the way a site redesign does
(class names renamed), and the crawl after the change must say so.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from akhbar.static_server import StaticSite
from db import schema
from db.config import load_config
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl

pytestmark = [pytest.mark.db, pytest.mark.crawl]

FIXTURES = Path(__file__).parent.parent / "fixtures"
OUTLET = "hawarnews"
HOST = "www.hawarnews.com"
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
ARTICLES = len(list((FIXTURES / OUTLET / "expected").glob("*.json")))


@dataclass
class Site:
    root: Path
    server: StaticSite
    database_url: str
    config_file: Path

    def crawl(self, full: bool = False) -> CrawlResult:
        config = load_config(self.config_file, environ={"AKHBAR_DATABASE_URL": self.database_url})
        request = CrawlRequest(
            outlet=OUTLET,
            host_map={HOST: self.server.origin},
            full=full,
            timeout=240,
            settings=FAST,
        )
        return run_crawl(config, request)

    def run_row(self, run_id: int) -> dict:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                row = connection.execute(
                    text("SELECT * FROM crawl_runs WHERE id = :id"), {"id": run_id}
                ).one()
                return dict(row._mapping)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = databases.create("akhbar_health")
    schema.upgrade(url)
    folder = tmp_path_factory.mktemp("health")
    root = folder / "site"
    shutil.copytree(FIXTURES / OUTLET / "site", root, ignore=shutil.ignore_patterns("_truth"))
    config_file = folder / "akhbar.toml"
    config_file.write_text("", encoding="utf-8")
    server = StaticSite(root).start()
    yield Site(root, server, url, config_file)
    server.stop()


@pytest.fixture(scope="module")
def first_crawl(site: Site) -> CrawlResult:
    return site.crawl()


def test_a_crawl_records_its_yield_and_fill_rates(site: Site, first_crawl: CrawlResult) -> None:
    assert first_crawl.status == "succeeded"
    row = site.run_row(first_crawl.run_id)
    assert row["article_pages"] == ARTICLES
    assert row["articles_extracted"] == ARTICLES
    assert row["article_urls_found"] >= ARTICLES
    assert row["fill_title"] == row["fill_body"] == row["fill_published"] == 1.0
    assert 0 < row["fill_authors"] < 1  # a byline on some pages only
