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
import subprocess
import sys
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
from tests.support import FIXTURES, REPO, copy_outlet_site, wait_for

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
class RunningCrawl:
    """A ``scrapy crawl`` process under way, its output going to a file."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def finish(self) -> Crawl:
        self.process.wait(timeout=120)
        return Crawl(self.process.returncode, self.log())


@dataclass
class Setup:
    """One scenario's database, site, proxy and spool directory."""

    database_url: str
    site: StaticSite
    proxy: DatabaseProxy
    spool_dir: Path
    data_dir: Path

    def start_crawl(self, **settings: str) -> RunningCrawl:
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
        log_path = self.data_dir.parent / "crawl.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        return RunningCrawl(process, log_path)

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


@pytest.fixture(scope="module")
def make_setup(
    databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Setup]]:
    made: list[Setup] = []

    def make() -> Setup:
        url = databases.create("akhbar_outage")
        schema.upgrade(url)
        root = tmp_path_factory.mktemp("outage")
        copy_outlet_site("casablancatoday", root / "site")
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


@dataclass(frozen=True)
class Archived:
    """What the archive and the spool held at one moment, read once so that tests of that
    moment do not depend on which fixtures have run since."""

    stored: list[str]
    spooled: list[str]
    articles: int
    revisions: int
    pending_files: list[Path]

    @classmethod
    def of(cls, setup: Setup) -> Archived:
        [counts] = setup.query(
            "SELECT (SELECT count(*) FROM articles) AS articles,"
            " (SELECT count(*) FROM article_revisions) AS revisions"
        )
        return cls(
            setup.stored_urls(),
            setup.spooled_urls(),
            counts["articles"],
            counts["revisions"],
            spool.pending_files(setup.spool_dir),
        )


@dataclass(frozen=True)
class Replay:
    """One ``akhbar spool replay`` and the archive right after it."""

    result: Result
    after: Archived


# A long outage: cut after the first batch is stored, for the rest of the crawl.


@dataclass(frozen=True)
class LongOutage:
    setup: Setup
    crawl: Crawl
    after: Archived


@pytest.fixture(scope="module")
def long_outage(make_setup) -> LongOutage:
    setup = make_setup()
    running = setup.start_crawl(**SLOW)
    wait_for(lambda: len(setup.stored_urls()) >= BATCH, what="a first batch stored", step=0.02)
    setup.proxy.cut()
    crawl = running.finish()
    return LongOutage(setup, crawl, Archived.of(setup))


@pytest.fixture(scope="module")
def first_replay(long_outage: LongOutage) -> Replay:
    setup = long_outage.setup
    setup.proxy.restore()
    return Replay(setup.replay(), Archived.of(setup))


@pytest.fixture(scope="module")
def second_replay(first_replay: Replay, long_outage: LongOutage) -> Replay:
    setup = long_outage.setup
    return Replay(setup.replay(), Archived.of(setup))


def test_crawl_through_a_long_outage_ends_cleanly(long_outage: LongOutage) -> None:
    crawl = long_outage.crawl
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert "Spider closed (finished)" in crawl.log


def test_articles_the_outage_kept_out_of_the_archive_are_in_the_spool(
    long_outage: LongOutage,
) -> None:
    stored, spooled = long_outage.after.stored, long_outage.after.spooled
    assert len(stored) < len(truth_urls())
    assert sorted(set(stored) | set(spooled)) == truth_urls()
    assert len(spooled) == len(set(spooled))


def test_outage_is_counted_in_the_crawl_stats(long_outage: LongOutage) -> None:
    stats = long_outage.crawl.stats
    spooled = len(long_outage.after.spooled)
    assert stats["akhbar/articles_spooled"] == spooled > 0
    assert stats["akhbar/errors/database_unavailable"] == spooled
    assert stats["akhbar/articles_new"] + spooled == len(truth_urls())


def test_spool_replay_archives_exactly_the_truth_articles(first_replay: Replay) -> None:
    assert first_replay.result.exit_code == 0, first_replay.result.output
    assert first_replay.after.stored == truth_urls()
    assert first_replay.after.articles == len(truth_urls())
    assert first_replay.after.pending_files == []


def test_second_spool_replay_stores_nothing(second_replay: Replay) -> None:
    assert second_replay.result.exit_code == 0, second_replay.result.output
    assert "replayed 0 articles from 0 files" in second_replay.result.output
    assert second_replay.after.stored == truth_urls()
    assert second_replay.after.revisions == 0


# The database down before the crawl even opens; the next crawl replays the spool.


@dataclass(frozen=True)
class DownAtOpen:
    setup: Setup
    crawl: Crawl
    after: Archived


@pytest.fixture(scope="module")
def down_at_open(make_setup) -> DownAtOpen:
    setup = make_setup()
    setup.proxy.cut()
    crawl = setup.start_crawl().finish()
    return DownAtOpen(setup, crawl, Archived.of(setup))


@pytest.fixture(scope="module")
def next_crawl(down_at_open: DownAtOpen) -> tuple[CrawlResult, Archived]:
    """The database back, the next crawl and the archive right after it."""
    setup = down_at_open.setup
    setup.proxy.restore()
    result = setup.run_crawl()
    return result, Archived.of(setup)


def test_crawl_with_the_database_down_from_the_start_spools_every_article(
    down_at_open: DownAtOpen,
) -> None:
    crawl = down_at_open.crawl
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert down_at_open.after.spooled == truth_urls()
    assert crawl.stats["akhbar/articles_spooled"] == len(truth_urls())


def test_next_crawl_stores_the_spool_before_crawling(
    down_at_open: DownAtOpen, next_crawl: tuple[CrawlResult, Archived]
) -> None:
    result, after = next_crawl
    assert result.status == "succeeded", result.error_summary
    assert after.stored == truth_urls()
    assert after.pending_files == []
    # Replayed before discovery, the articles count as archived: none is fetched again.
    assert result.articles_new == 0
    [run] = down_at_open.setup.query(
        "SELECT stats FROM crawl_runs WHERE id = :id", id=result.run_id
    )
    assert run["stats"]["akhbar/articles_replayed"] == len(truth_urls())


# A short outage: the connection comes back within the retry window.


def test_short_outage_loses_nothing_and_spools_nothing(make_setup) -> None:
    setup = make_setup()
    # Waits of 0.5 s doubling six times (31.5 s in all): the database is back long before a
    # store that met the outage would give up.
    running = setup.start_crawl(**SLOW, AKHBAR_STORE_RETRIES="6", AKHBAR_STORE_RETRY_BACKOFF="0.5")
    wait_for(lambda: len(setup.stored_urls()) >= BATCH, what="a first batch stored", step=0.02)
    setup.proxy.cut()
    # The outage lasts until a store has met it.
    wait_for(lambda: "retry 1 of 6" in running.log(), what="a store to meet the outage", step=0.02)
    setup.proxy.restore()
    crawl = running.finish()

    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert setup.stored_urls() == truth_urls()
    assert spool.pending_files(setup.spool_dir) == []
    assert "akhbar/articles_spooled" not in crawl.stats
    assert crawl.stats["akhbar/articles_new"] == len(truth_urls())


# A data error: the database is up but refuses one article.


@dataclass(frozen=True)
class RefusedArticle:
    setup: Setup
    refused: str
    result: CrawlResult
    after: Archived


@pytest.fixture(scope="module")
def refused_article(make_setup) -> RefusedArticle:
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
    result = setup.run_crawl()
    return RefusedArticle(setup, refused, result, Archived.of(setup))


@pytest.fixture(scope="module")
def accepted_on_replay(refused_article: RefusedArticle) -> Replay:
    """The database taking the refused article again (its trigger dropped), then a replay."""
    setup = refused_article.setup
    with psycopg.connect(setup.database_url, autocommit=True) as connection:
        connection.execute("DROP TRIGGER refuse_one ON articles")
    return Replay(setup.replay(), Archived.of(setup))


def test_refused_article_is_spooled_and_the_rest_of_its_batch_stored(
    refused_article: RefusedArticle,
) -> None:
    refused, after = refused_article.refused, refused_article.after
    assert after.spooled == [refused]
    assert after.stored == [url for url in truth_urls() if url != refused]


def test_refused_article_is_counted_in_the_crawl_run(refused_article: RefusedArticle) -> None:
    setup, result = refused_article.setup, refused_article.result
    [run] = setup.query("SELECT * FROM crawl_runs WHERE id = :id", id=result.run_id)
    assert run["status"] == "succeeded"
    assert run["errors"] == 1
    assert "store_failed: 1" in run["error_summary"]
    assert run["stats"]["akhbar/articles_spooled"] == 1
    assert run["articles_new"] == len(truth_urls()) - 1


def test_refused_article_is_stored_by_replay_once_the_database_takes_it(
    accepted_on_replay: Replay,
) -> None:
    assert accepted_on_replay.result.exit_code == 0, accepted_on_replay.result.output
    assert accepted_on_replay.after.stored == truth_urls()
    assert accepted_on_replay.after.pending_files == []
