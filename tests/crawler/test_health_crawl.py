"""Extraction health end to end: real crawls of a served copy of hawarnews.

The copy's templates are changed between crawls the way a site redesign does
(class names renamed), and the crawl after the change must say so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from akhbar.cli import cli
from akhbar.static_server import StaticSite
from db import schema
from db.config import load_config
from db.engine import make_engine
from scheduler import jobs
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.support import FIXTURES, copy_outlet_site

pytestmark = [pytest.mark.db, pytest.mark.crawl]

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
    alerts: Path
    """What the alert command received: one crawl record (JSON) a line."""

    def alerted(self) -> dict[int, dict]:
        """Crawl id -> the record the alert command received for it."""
        if not self.alerts.exists():
            return {}
        lines = self.alerts.read_text(encoding="utf-8").splitlines()
        return {record["id"]: record for record in map(json.loads, lines)}

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
        (row,) = self.query("SELECT * FROM crawl_runs WHERE id = :id", id=run_id)
        return row

    def query(self, sql: str, **params: object) -> list[dict]:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [dict(r._mapping) for r in connection.execute(text(sql), params)]
        finally:
            engine.dispose()

    def execute(self, sql: str) -> None:
        engine = make_engine(self.database_url)
        try:
            with engine.begin() as connection:
                connection.execute(text(sql))
        finally:
            engine.dispose()

    def cli(self, *args: str) -> Result:
        env = {"AKHBAR_DATABASE_URL": self.database_url, "DATABASE_URL": "", "AKHBAR_CONFIG": ""}
        return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = databases.create("akhbar_health")
    schema.upgrade(url)
    folder = tmp_path_factory.mktemp("health")
    root = folder / "site"
    copy_outlet_site(OUTLET, root)
    config_file = folder / "akhbar.toml"
    alerts = folder / "alerts.jsonl"
    server = StaticSite(root).start()
    # Two earlier successful crawls make a usual (the default asks for three).
    config_file.write_text(
        "[health]\nmin_history = 2\n\n"
        f"[alerts]\ncommand = 'cat >> {alerts}'\n\n"
        f'[host_map]\n"{HOST}" = "{server.origin}"\n\n'
        "[scheduler.scrapy_settings]\n"
        "AUTOTHROTTLE_ENABLED = false\nCONCURRENT_REQUESTS_PER_DOMAIN = 16\n",
        encoding="utf-8",
    )
    yield Site(root, server, url, config_file, alerts)
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


# The classes hawarnews' spider reads the byline, date, tags and picture from, renamed the
# way a redesign does; the headline and text keep theirs, so articles are still stored.
RENAMED = {
    "news-author": "story-byline",
    "news-date": "story-stamp",
    "news-time": "story-clock",
    "news-tags": "story-topics",
    "news-image": "story-picture",
}


def rename_classes(root: Path) -> None:
    for page in root.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for old, new in RENAMED.items():
            html = html.replace(f'class="{old}"', f'class="{new}"')
        page.write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def unchanged_crawls(site: Site, first_crawl: CrawlResult) -> list[CrawlResult]:
    """A full re-crawl (the second success: a usual from now on), an incremental one that
    fetches no article page, and another full one compared with the usual."""
    return [site.crawl(full=True), site.crawl(), site.crawl(full=True)]


@pytest.fixture(scope="module")
def redesigned_crawl(site: Site, unchanged_crawls: list[CrawlResult]) -> Result:
    """``akhbar crawl --full`` of the site once its templates changed."""
    rename_classes(site.root)
    args = ["--config", str(site.config_file), "crawl", OUTLET, "--full"]
    return site.cli(*args, "--map-host", f"{HOST}={site.server.origin}")


def test_a_crawl_of_an_unchanged_site_is_never_degraded(
    site: Site, unchanged_crawls: list[CrawlResult]
) -> None:
    assert [crawl.status for crawl in unchanged_crawls] == ["succeeded"] * 3
    assert not set(site.alerted()) & {crawl.run_id for crawl in unchanged_crawls}


def test_a_crawl_after_a_redesign_is_degraded_with_what_dropped(
    site: Site, redesigned_crawl: Result
) -> None:
    assert redesigned_crawl.exit_code == 3, redesigned_crawl.output
    assert f"{OUTLET}: degraded in" in redesigned_crawl.stdout
    (row,) = site.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert row["status"] == "degraded"
    assert row["fill_tags"] == 0.0
    assert row["articles_extracted"] == ARTICLES  # still stored: only their fields dropped
    reasons = row["degraded_reason"].split("; ")
    assert "tags filled in 0% of articles, usually 100%" in reasons
    assert any(reason.startswith("image filled in ") for reason in reasons)
    assert f"degraded: {row['degraded_reason']}" in redesigned_crawl.stderr
    alert = site.alerted()[row["id"]]
    assert alert["outlet"] == OUTLET
    assert (alert["status"], alert["degraded_reason"]) == ("degraded", row["degraded_reason"])
    assert alert["fill_tags"] == 0.0


def test_runs_and_status_show_why(site: Site, redesigned_crawl: Result) -> None:
    (row,) = site.query("SELECT id, degraded_reason FROM crawl_runs ORDER BY id DESC LIMIT 1")
    runs = site.cli("runs", "--limit", "2")
    assert f"run {row['id']} ({OUTLET}) degraded: {row['degraded_reason']}" in runs.output
    status = site.cli("--config", str(site.config_file), "status")
    assert f"{OUTLET} degraded: {row['degraded_reason']}" in status.output


def test_a_degraded_crawl_is_no_usual_and_the_daemon_warns_and_alerts(
    site: Site, redesigned_crawl: Result, caplog: pytest.LogCaptureFixture
) -> None:
    """Compared with the crawls before the redesign, the next scheduled one is degraded too."""
    # Scheduled crawls fetch new articles only: make every article of the site new again.
    site.execute("DELETE FROM articles")
    config = load_config(site.config_file, environ={"AKHBAR_DATABASE_URL": site.database_url})
    jobs.install(jobs.JobContext(config))
    with caplog.at_level(logging.WARNING, logger="scheduler.jobs"):
        jobs.run_scheduled_crawl(OUTLET)
    (row,) = site.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert (row["trigger"], row["status"]) == ("scheduled", "degraded")
    assert "tags filled in 0%" in row["degraded_reason"]
    assert f"{OUTLET}: crawl {row['id']} degraded: {row['degraded_reason']}" in caplog.text
    assert site.alerted()[row["id"]]["trigger"] == "scheduled"


def test_a_crawl_that_extracts_nothing_fails_rather_than_degrades(
    site: Site, redesigned_crawl: Result
) -> None:
    for page in site.root.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace('class="news-content"', 'class="story"'), encoding="utf-8")
    args = ["--config", str(site.config_file), "crawl", OUTLET, "--full"]
    result = site.cli(*args, "--map-host", f"{HOST}={site.server.origin}")
    assert result.exit_code == 1, result.output
    (row,) = site.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert (row["status"], row["degraded_reason"]) == ("failed", None)
    assert site.alerted()[row["id"]]["status"] == "failed"
