"""Database outages during a crawl (issue #7): no article is lost, and counting proves it.

Each scenario crawls a copy of the casablancatoday fixture site (26 articles) with
a real ``scrapy crawl`` process whose database is reached through a
:class:`~tests.reliability.outage.DatabaseProxy`. Cutting the proxy drops every
connection and refuses new ones, as a stopped PostgreSQL or a cut network does.
The archive, the spool files and the crawl's stats are then counted against the
truth files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql
from sqlalchemy import text

from akhbar.cli import cli
from akhbar.static_server import StaticSite
from db import schema, spool
from db.config import load_config
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.reliability.outage import DatabaseProxy
from tests.support import FIXTURES, REPO, wait_for

pytestmark = [pytest.mark.db, pytest.mark.crawl]

CASABLANCATODAY = FIXTURES / "casablancatoday"
OUTLET = "casablancatoday"
HOST = "www.casablancatoday.com"
BATCH = 5
# Small batches, so that an outage falls between stores; a short back-off (0.2, 0.4, 0.8 s)
# keeps the file fast, as does not waiting at the end for a database these outages keep
# away (test_failover.py waits). Everything else is the production configuration.
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "AKHBAR_STORE_BATCH_SIZE": str(BATCH),
    "AKHBAR_STORE_RETRIES": "3",
    "AKHBAR_STORE_RETRY_BACKOFF": "0.2",
    "AKHBAR_OUTAGE_WAIT": "0",
}
SLOW = {"DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
"""A crawl of a few seconds, so that an outage can start in its middle."""


def truth_urls() -> list[str]:
    return sorted(
        json.loads(path.read_text(encoding="utf-8"))["url"]
        for path in (CASABLANCATODAY / "expected").glob("*.json")
    )


@dataclass
class Crawl:
    """A finished ``scrapy crawl`` process: its exit status, log and akhbar/* counters."""

    returncode: int
    log: str

    @property
    def stats(self) -> dict[str, int]:
        """The ``akhbar/...`` counters of the stats Scrapy dumps at the end."""
        dump = self.log.rpartition("Dumping Scrapy stats:")[2]
        return {k: int(v) for k, v in re.findall(r"'(akhbar/[^']+)': (\d+)", dump)}


@dataclass
class Setup:
    """One scenario's database, site, proxy and spool directory."""

    database_url: str
    site: StaticSite
    proxy: DatabaseProxy
    spool_dir: Path
    data_dir: Path

    def start_crawl(self, **settings: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "scrapy", "crawl", OUTLET]
        for key, value in {**SETTINGS, "AKHBAR_SPOOL_DIR": str(self.spool_dir), **settings}.items():
            command += ["-s", f"{key}={value}"]
        env = {
            **os.environ,
            "SCRAPY_SETTINGS_MODULE": "crawler.settings",
            "AKHBAR_DATABASE_URL": self.proxy.url,
            "AKHBAR_HOST_MAP": f"{HOST}={self.site.origin}",
            "AKHBAR_DATA_DIR": str(self.data_dir),
        }
        return subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def run_crawl(self) -> CrawlResult:
        """A crawl the way ``akhbar crawl`` runs one (parent records the run), not cut."""
        config = load_config(environ={"AKHBAR_DATABASE_URL": self.proxy.url})
        request = CrawlRequest(
            outlet=OUTLET,
            host_map={HOST: self.site.origin},
            timeout=120,
            settings={**SETTINGS, "AKHBAR_SPOOL_DIR": str(self.spool_dir)},
        )
        return run_crawl(config, request)

    def replay(self) -> Result:
        """``akhbar spool replay``, through the proxy."""
        return CliRunner().invoke(
            cli,
            ["spool", "replay", "--dir", str(self.spool_dir)],
            env={"AKHBAR_DATABASE_URL": self.proxy.url},
        )

    def query(self, sql: str, **params: object) -> list[dict]:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [dict(r._mapping) for r in connection.execute(text(sql), params)]
        finally:
            engine.dispose()

    def stored_urls(self) -> list[str]:
        return [row["url"] for row in self.query("SELECT url FROM articles ORDER BY url")]

    def spooled_urls(self) -> list[str]:
        return sorted(
            row["url"]
            for path in spool.pending_files(self.spool_dir)
            for _, row in spool.read_spool_file(path).lines
        )


def finish(process: subprocess.Popen[str]) -> Crawl:
    log, _ = process.communicate(timeout=120)
    return Crawl(process.returncode, log)


@pytest.fixture(scope="module")
def make_setup(
    databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Setup]]:
    made: list[Setup] = []

    def make() -> Setup:
        url = databases.create("akhbar_outage")
        schema.upgrade(url)
        root = tmp_path_factory.mktemp("outage")
        shutil.copytree(
            CASABLANCATODAY / "site", root / "site", ignore=shutil.ignore_patterns("_truth")
        )
        setup = Setup(
            url,
            StaticSite(root / "site").start(),
            DatabaseProxy(url).restore(),
            root / "spool",
            root / "data",
        )
        made.append(setup)
        return setup

    yield make
    for setup in made:
        setup.proxy.cut()
        setup.site.stop()


# A long outage: cut after the first batch is stored, for the rest of the crawl.


@pytest.fixture(scope="module")
def long_outage(make_setup) -> tuple[Setup, Crawl, list[str]]:
    setup = make_setup()
    process = setup.start_crawl(**SLOW)
    wait_for(lambda: len(setup.stored_urls()) >= BATCH, what="a first batch stored", step=0.02)
    setup.proxy.cut()
    crawl = finish(process)
    return setup, crawl, setup.stored_urls()


@pytest.fixture(scope="module")
def first_replay(long_outage) -> Result:
    setup, _, _ = long_outage
    setup.proxy.restore()
    return setup.replay()


def test_crawl_through_a_long_outage_ends_cleanly(long_outage) -> None:
    _, crawl, _ = long_outage
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert "Spider closed (finished)" in crawl.log


def test_articles_the_outage_kept_out_of_the_archive_are_in_the_spool(long_outage) -> None:
    setup, _, stored = long_outage
    spooled = setup.spooled_urls()
    assert len(stored) < len(truth_urls())
    assert sorted(set(stored) | set(spooled)) == truth_urls()
    assert len(spooled) == len(set(spooled))


def test_outage_is_counted_in_the_crawl_stats(long_outage) -> None:
    setup, crawl, _ = long_outage
    stats = crawl.stats
    spooled = len(setup.spooled_urls())
    assert stats["akhbar/articles_spooled"] == spooled > 0
    assert stats["akhbar/errors/database_unavailable"] == spooled
    assert stats["akhbar/articles_new"] + spooled == len(truth_urls())


def test_spool_replay_archives_exactly_the_truth_articles(long_outage, first_replay) -> None:
    setup, _, _ = long_outage
    assert first_replay.exit_code == 0, first_replay.output
    assert setup.stored_urls() == truth_urls()
    assert setup.query("SELECT count(*) AS n FROM articles") == [{"n": len(truth_urls())}]
    assert spool.pending_files(setup.spool_dir) == []


def test_second_spool_replay_stores_nothing(long_outage, first_replay) -> None:
    setup, _, _ = long_outage
    again = setup.replay()
    assert again.exit_code == 0, again.output
    assert "replayed 0 articles from 0 files" in again.output
    assert setup.stored_urls() == truth_urls()
    assert setup.query("SELECT count(*) AS n FROM article_revisions") == [{"n": 0}]


# The database down before the crawl even opens; the next crawl replays the spool.


@pytest.fixture(scope="module")
def down_at_open(make_setup) -> tuple[Setup, Crawl]:
    setup = make_setup()
    setup.proxy.cut()
    return setup, finish(setup.start_crawl())


def test_crawl_with_the_database_down_from_the_start_spools_every_article(down_at_open) -> None:
    setup, crawl = down_at_open
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert setup.spooled_urls() == truth_urls()
    assert crawl.stats["akhbar/articles_spooled"] == len(truth_urls())


def test_next_crawl_stores_the_spool_before_crawling(down_at_open) -> None:
    setup, _ = down_at_open
    setup.proxy.restore()
    result = setup.run_crawl()
    assert result.status == "succeeded", result.error_summary
    assert setup.stored_urls() == truth_urls()
    assert spool.pending_files(setup.spool_dir) == []
    # Replayed before discovery, the articles count as archived: none is fetched again.
    assert result.articles_new == 0
    [run] = setup.query("SELECT stats FROM crawl_runs WHERE id = :id", id=result.run_id)
    assert run["stats"]["akhbar/articles_replayed"] == len(truth_urls())


# A short outage: the connection comes back within the retry window.


def test_short_outage_loses_nothing_and_spools_nothing(make_setup) -> None:
    setup = make_setup()
    # Waits of 0.5, 1 and 2 s: a 1 s outage overlaps a store (one every ~0.5 s) and ends
    # well before that store would give up.
    process = setup.start_crawl(**SLOW, AKHBAR_STORE_RETRY_BACKOFF="0.5")
    wait_for(lambda: len(setup.stored_urls()) >= BATCH, what="a first batch stored", step=0.02)
    setup.proxy.cut()
    time.sleep(1.0)
    setup.proxy.restore()
    crawl = finish(process)

    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert "retry 1 of 3" in crawl.log  # the outage was noticed
    assert setup.stored_urls() == truth_urls()
    assert spool.pending_files(setup.spool_dir) == []
    assert "akhbar/articles_spooled" not in crawl.stats
    assert crawl.stats["akhbar/articles_new"] == len(truth_urls())


# A data error: the database is up but refuses one article.


@pytest.fixture(scope="module")
def refused_article(make_setup) -> tuple[Setup, str, CrawlResult]:
    setup = make_setup()
    refused = truth_urls()[0]
    with psycopg.connect(setup.database_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL(
                "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$"
                " BEGIN IF NEW.url = {url} THEN RAISE EXCEPTION 'refused by this test'"
                " USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$"
            ).format(url=sql.Literal(refused))
        )
        connection.execute(
            "CREATE TRIGGER refuse_one BEFORE INSERT OR UPDATE ON articles"
            " FOR EACH ROW EXECUTE FUNCTION refuse_one()"
        )
    return setup, refused, setup.run_crawl()


def test_refused_article_is_spooled_and_the_rest_of_its_batch_stored(refused_article) -> None:
    setup, refused, _ = refused_article
    assert setup.spooled_urls() == [refused]
    assert setup.stored_urls() == [url for url in truth_urls() if url != refused]


def test_refused_article_is_counted_in_the_crawl_run(refused_article) -> None:
    setup, _, result = refused_article
    [run] = setup.query("SELECT * FROM crawl_runs WHERE id = :id", id=result.run_id)
    assert run["status"] == "succeeded"
    assert run["errors"] == 1
    assert "store_failed: 1" in run["error_summary"]
    assert run["stats"]["akhbar/articles_spooled"] == 1
    assert run["articles_new"] == len(truth_urls()) - 1


def test_refused_article_is_stored_by_replay_once_the_database_takes_it(refused_article) -> None:
    setup, _, _ = refused_article
    with psycopg.connect(setup.database_url, autocommit=True) as connection:
        connection.execute("DROP TRIGGER refuse_one ON articles")
    result = setup.replay()
    assert result.exit_code == 0, result.output
    assert setup.stored_urls() == truth_urls()
    assert spool.pending_files(setup.spool_dir) == []
