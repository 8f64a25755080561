"""A crawl killed with SIGKILL halfway: nothing partial, nothing twice, nothing missing after.

The crawl process is ``python -m scrapy crawl casablancatoday`` (what the
scheduler runs), killed with SIGKILL (the OOM killer, a lost host) once some
but not all of the fixture site's 26 articles are stored. The archive is then
counted against the truth files (``tests/fixtures/casablancatoday/expected``),
and the next crawl, run the way ``akhbar crawl`` runs it, must store exactly the
articles that were missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from akhbar.static_server import StaticSite
from db import schema
from db.config import load_config
from scheduler.crawl import CrawlLocked, CrawlRequest, CrawlResult, run_crawl
from tests.reliability.hostile_server import GOOD, HostileSite
from tests.support import FIXTURES, REPO, copy_outlet_site, wait_for

pytestmark = [pytest.mark.db, pytest.mark.crawl]

CASABLANCATODAY = FIXTURES / "casablancatoday"
OUTLET = "casablancatoday"
HOST = "www.casablancatoday.com"
#: Small batches, one request at a time with a delay: a crawl of a few seconds to kill.
SLOW = {
    "AUTOTHROTTLE_ENABLED": "False",
    "AKHBAR_STORE_BATCH_SIZE": "2",
    "DOWNLOAD_DELAY": "0.05",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
}
FAST = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
KILL_AFTER = 4
"""Articles stored before the crawl is killed."""


def expected() -> dict[str, dict[str, Any]]:
    """The fixture site's articles, by URL, from the truth files."""
    found = {}
    for path in (CASABLANCATODAY / "expected").glob("*.json"):
        article = json.loads(path.read_text("utf-8"))
        found[article["url"]] = article
    return found


def folded(text: str | None) -> str:
    return " ".join((text or "").split())


def query(url: str, sql: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def scrapy_crawl(
    database_url: str, data_dir: Path, host_map: str, *args: str, **settings: str
) -> subprocess.Popen[str]:
    """``python -m scrapy crawl ARGS`` as the scheduler starts it, owning its crawl_runs row."""
    command = [sys.executable, "-m", "scrapy", "crawl", *args]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
        "AKHBAR_DATABASE_URL": database_url,
        "AKHBAR_HOST_MAP": host_map,
        "AKHBAR_DATA_DIR": str(data_dir),
    }
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@dataclass
class Killed:
    """What the archive held right after the crawl died."""

    run: dict[str, Any]
    articles: list[dict[str, Any]]


@pytest.fixture(scope="module")
def database_url(databases: Any) -> str:
    url = databases.create("akhbar_crash")
    schema.upgrade(url)
    return url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    root = tmp_path_factory.mktemp("crash") / "site"
    copy_outlet_site("casablancatoday", root)
    with StaticSite(root) as site:
        yield site


@pytest.fixture(scope="module")
def killed(database_url: str, site: StaticSite, tmp_path_factory: pytest.TempPathFactory) -> Killed:
    data_dir = tmp_path_factory.mktemp("crash-data")
    process = scrapy_crawl(database_url, data_dir, f"{HOST}={site.origin}", OUTLET, **SLOW)
    try:
        wait_for(
            lambda: query(database_url, "SELECT count(*) AS n FROM articles")[0]["n"] >= KILL_AFTER,
            60,
            f"{KILL_AFTER} stored articles",
            step=0.05,
        )
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    [run] = query(database_url, "SELECT * FROM crawl_runs")
    return Killed(run, query(database_url, "SELECT * FROM articles"))


@pytest.fixture(scope="module")
def resumed(database_url: str, site: StaticSite, killed: Killed) -> CrawlResult:
    config = load_config(environ={"AKHBAR_DATABASE_URL": database_url})
    request = CrawlRequest(outlet=OUTLET, host_map={HOST: site.origin}, timeout=120, settings=FAST)

    def attempt() -> CrawlResult | None:
        try:
            return run_crawl(config, request)
        except CrawlLocked:  # the dead process's session may take a moment to end
            return None

    return wait_for(attempt, 10, "the dead crawl's lock to go", step=0.05)


def test_the_crawl_was_killed_with_some_but_not_all_articles_stored(killed: Killed) -> None:
    assert KILL_AFTER <= len(killed.articles) < len(expected())


def test_a_killed_crawl_leaves_no_partial_article(killed: Killed) -> None:
    truth = expected()
    for row in killed.articles:
        want = truth[row["url"]]
        assert row["title"] == want["title"], row["url"]
        assert folded(row["body"]) == folded(want["body"]), row["url"]


def test_a_killed_crawl_leaves_its_run_running(killed: Killed) -> None:
    assert killed.run["status"] == "running"
    assert killed.run["finished_at"] is None


def test_the_next_crawl_stores_exactly_the_missing_articles(
    killed: Killed, resumed: CrawlResult
) -> None:
    assert resumed.status == "succeeded", resumed.error_summary
    assert resumed.articles_new == len(expected()) - len(killed.articles)
    assert (resumed.articles_updated, resumed.articles_unchanged, resumed.errors) == (0, 0, 0)


def test_after_the_next_crawl_every_article_is_archived_once(
    database_url: str, resumed: CrawlResult
) -> None:
    rows = query(database_url, "SELECT url, title, body FROM articles")
    assert sorted(row["url"] for row in rows) == sorted(expected())
    for row in rows:
        assert folded(row["body"]) == folded(expected()[row["url"]]["body"]), row["url"]
    assert query(database_url, "SELECT count(*) AS n FROM article_revisions") == [{"n": 0}]


def test_the_next_crawl_records_the_dead_run_interrupted(
    database_url: str, killed: Killed, resumed: CrawlResult
) -> None:
    [run] = query(database_url, "SELECT * FROM crawl_runs WHERE id = %s", killed.run["id"])
    assert run["status"] == "interrupted"
    assert run["finished_at"] is not None
    assert run["error_summary"] == "the process running the crawl died"


def test_a_manual_scrapy_crawl_also_closes_a_dead_run(
    databases: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = databases.create("akhbar_crash_manual")
    schema.upgrade(url)
    data_dir = tmp_path_factory.mktemp("crash-manual")
    with HostileSite(faults=False) as site:
        host_map = f"manual.test={site.origin}"
        dead = scrapy_crawl(url, data_dir, host_map, "generic", "-a", "url=https://manual.test/")
        wait_for(
            lambda: query(url, "SELECT id FROM crawl_runs"), 30, "the crawl's run row", step=0.05
        )
        dead.send_signal(signal.SIGKILL)
        dead.communicate()
        again = scrapy_crawl(
            url, data_dir, host_map, "generic", "-a", "url=https://manual.test/", **FAST
        )
        output, _ = again.communicate(timeout=60)
    assert again.returncode == 0, output
    first, second = query(url, "SELECT status FROM crawl_runs ORDER BY id")
    assert (first["status"], second["status"]) == ("interrupted", "succeeded")
    assert len(query(url, "SELECT url FROM articles")) == len(GOOD)
