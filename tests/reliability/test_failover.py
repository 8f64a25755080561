"""A database failover during crawls (issue #17): it interrupts nothing.

Two crawls of slowly served local copies run at once, both reaching PostgreSQL
through a :class:`~tests.reliability.outage.DatabaseProxy`: hawarnews as ``akhbar
crawl`` runs it (the parent process holds the outlet's lock) and casablancatoday
as scrapyd runs it (``scrapy crawl``: the crawl process holds its lock). The
database is cut for 15 s in their middle. The proxy stands in for stopping the
server: the machine's PostgreSQL serves other tests running in parallel, and a
cut proxy is what a crawl sees of a stopped server (every connection dropped, new
ones refused). The akhbar crawl outlasts the outage and stores its spool as soon
as the database answers; the scrapy crawl ends inside it and waits for the
database to store its spool and record its end.

Then another crawl taking the lock during an outage makes a ``scrapy crawl`` stop
cleanly (the same for ``akhbar crawl`` is in ``tests/scheduler/test_crawl_outage.py``).

Last, with no proxy: a crawl against an embedded PostgreSQL of the test's own, a real
server stopped (``pg_ctl stop -m fast``) for 15 s mid-crawl and started again on the
same data directory and Unix socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from crawler.lock_keeper import LOCK_TAKEN
from db import runs as run_rows
from db import schema, spool
from db.config import load_config
from db.embedded import _pgserver, _server_user, embedded_database_url, stop_embedded
from db.engine import make_engine
from scheduler.crawl import CrawlRequest, CrawlResult, CrawlStop, run_crawl
from tests.reliability.outage import DatabaseProxy
from tests.support import FIXTURES, REPO, wait_for
from tests.support.daemon import SlowSite, query, runs

pytestmark = [pytest.mark.db, pytest.mark.crawl]

OUTAGE_SECONDS = 15
BATCH = 2
# One request at a time, so that the served delay sets the crawl's length; small batches, so
# that stores fall inside the outage. The rest (retries, lock checks, waits) is production's.
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    "AKHBAR_STORE_BATCH_SIZE": str(BATCH),
}


def truth_urls(outlet: str) -> list[str]:
    return sorted(
        json.loads(path.read_text(encoding="utf-8"))["url"]
        for path in (FIXTURES / outlet / "expected").glob("*.json")
    )


def archived_urls(url: str, outlet: str) -> list[str]:
    rows = query(
        url,
        "SELECT a.url FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE o.name = %s"
        " ORDER BY a.url",
        (outlet,),
    )
    return [row["url"] for row in rows]


def spooled_urls(directory: Path) -> list[str]:
    return sorted(
        row["url"]
        for path in spool.pending_files(directory)
        for _, row in spool.read_spool_file(path).lines
    )


def start_scrapy_crawl(
    outlet: str,
    database_url: str,
    origin: str,
    spool_dir: Path,
    data_dir: Path,
    **settings: str,
) -> subprocess.Popen[str]:
    """``scrapy crawl OUTLET`` as a scrapyd node runs it: the crawl takes its lock itself."""
    command = [sys.executable, "-m", "scrapy", "crawl", outlet]
    for key, value in {**SETTINGS, "AKHBAR_SPOOL_DIR": str(spool_dir), **settings}.items():
        command += ["-s", f"{key}={value}"]
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
        "AKHBAR_DATABASE_URL": database_url,
        "AKHBAR_HOST_MAP": f"www.{outlet}.com={origin}",
        "AKHBAR_DATA_DIR": str(data_dir),
    }
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def migrated(databases) -> str:
    url = databases.create("akhbar_failover")
    schema.upgrade(url)
    return url


def take_lock_as_another_crawl(url: str, outlet: str) -> tuple[Connection, int]:
    """What another crawl of ``outlet`` does when it starts: take the lock, begin a run.

    Retried until the cut session of the first crawl is gone from the server. Closing
    the connection ends that crawl.
    """
    connection = make_engine(url, poolclass=NullPool).connect()
    [outlet_row] = query(url, "SELECT id FROM outlets WHERE name = %s", (outlet,))

    def begin() -> int | None:
        run_id = run_rows.begin_locked_run(
            connection, outlet_row["id"], outlet, "manual", os.getpid()
        )
        connection.commit()
        return run_id

    return connection, wait_for(begin, 10, "the cut crawl's lock to be released", step=0.1)


@dataclass
class Failover:
    database_url: str
    akhbar: CrawlResult
    akhbar_log: str
    akhbar_spool: Path
    scrapy_log: str
    scrapy_returncode: int
    scrapy_spool: Path


@pytest.fixture(scope="module")
def failover(databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Failover]:
    url = migrated(databases)
    root = tmp_path_factory.mktemp("failover")
    proxy = DatabaseProxy(url).restore()
    # About 50 requests each, a few at a time, articles mostly after the listings: some 28 s
    # of crawling for hawarnews, which outlasts the outage, and 15 s for casablancatoday,
    # which ends inside it.
    hawarnews = SlowSite(FIXTURES / "hawarnews" / "site", delay=3.0)
    casablanca = SlowSite(FIXTURES / "casablancatoday" / "site", delay=1.2)
    akhbar_log = root / "akhbar.log"
    request = CrawlRequest(
        outlet="hawarnews",
        host_map={"www.hawarnews.com": hawarnews.origin},
        settings={
            **SETTINGS,
            "AKHBAR_SPOOL_DIR": str(root / "akhbar-spool"),
            "LOG_FILE": str(akhbar_log),
        },
        timeout=120,
        stop=CrawlStop(),
    )
    results: list[CrawlResult] = []
    config = load_config(environ={"AKHBAR_DATABASE_URL": proxy.url})
    akhbar = threading.Thread(target=lambda: results.append(run_crawl(config, request)))
    scrapy = None
    try:
        akhbar.start()
        scrapy = start_scrapy_crawl(
            "casablancatoday", proxy.url, casablanca.origin, root / "scrapy-spool", root / "data"
        )
        wait_for(lambda: hawarnews.requests >= 6, 60, "the crawls to be under way")
        assert scrapy.poll() is None, "casablancatoday was crawled before the outage began"
        proxy.cut()
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        log, _ = scrapy.communicate(timeout=120)
        akhbar.join(120)
    finally:
        if scrapy is not None and scrapy.poll() is None:
            scrapy.kill()
            scrapy.wait()
        request.stop.request()  # a no-op when the crawl ended
        akhbar.join(60)
        proxy.cut()
        hawarnews.stop()
        casablanca.stop()
    assert not akhbar.is_alive()
    yield Failover(
        url,
        results[0],
        akhbar_log.read_text("utf-8"),
        root / "akhbar-spool",
        log,
        scrapy.returncode,
        root / "scrapy-spool",
    )


def run_of(url: str, outlet: str) -> dict:
    [run] = [run for run in runs(url) if run["outlet"] == outlet]
    return run


def test_akhbar_crawl_goes_on_through_a_failover(failover: Failover) -> None:
    result = failover.akhbar
    assert result.status == "succeeded", result.error_summary
    assert archived_urls(failover.database_url, "hawarnews") == truth_urls("hawarnews")
    assert spool.pending_files(failover.akhbar_spool) == []
    stats = run_of(failover.database_url, "hawarnews")["stats"]
    # Whatever the outage kept out, the crawl stored itself once it was over. Whether a
    # batch fell due inside the outage depends on timing (on a quiet machine the store's
    # retries can outlast it), so the spool is checked where it was used.
    spooled = stats.get("akhbar/articles_spooled", 0)
    assert stats.get("akhbar/articles_replayed", 0) == spooled
    assert result.articles_new == len(truth_urls("hawarnews"))
    if spooled:
        # As soon as the database answered, not when the crawl ended.
        log = failover.akhbar_log
        assert log.index("this crawl's spool stored") < log.index("Closing spider (finished)")


def test_scrapy_crawl_waits_out_a_failover_and_records_its_end(failover: Failover) -> None:
    assert failover.scrapy_returncode == 0, failover.scrapy_log[-3000:]
    assert "Traceback" not in failover.scrapy_log
    assert "crawl lock taken again" in failover.scrapy_log
    run = run_of(failover.database_url, "casablancatoday")
    assert run["status"] == "succeeded", run["error_summary"]
    assert archived_urls(failover.database_url, "casablancatoday") == truth_urls("casablancatoday")
    assert spool.pending_files(failover.scrapy_spool) == []
    assert run["stats"]["akhbar/articles_replayed"] == run["stats"]["akhbar/articles_spooled"] > 0
    assert run["articles_new"] == len(truth_urls("casablancatoday"))


def test_scrapy_crawl_stops_when_another_took_its_lock(databases, tmp_path: Path) -> None:
    url = migrated(databases)
    proxy = DatabaseProxy(url).restore()
    site = SlowSite(FIXTURES / "casablancatoday" / "site", delay=0.8)
    # Lock checks every second (rather than 5): the crawl notices the outage before its end.
    crawl = start_scrapy_crawl(
        "casablancatoday",
        proxy.url,
        site.origin,
        tmp_path / "spool",
        tmp_path / "data",
        AKHBAR_LOCK_CHECK_INTERVAL="1",
    )
    other = None
    try:
        wait_for(lambda: site.requests >= 6 or crawl.poll() is not None, 60, "the crawl")
        assert crawl.poll() is None, crawl.communicate()[0][-3000:]
        proxy.cut()
        other, other_run = take_lock_as_another_crawl(url, "casablancatoday")
        proxy.restore()
        log, _ = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        proxy.cut()
        site.stop()
        if other is not None:
            other.close()
    assert crawl.returncode == 0, log[-3000:]
    assert "Spider closed (lock_taken)" in log
    first, second = runs(url)
    assert second["id"] == other_run
    assert first["status"] == "interrupted"
    assert first["error_summary"] == LOCK_TAKEN
    # What the first crawl kept is stored or left in its spool for replay, never both.
    stored = set(archived_urls(url, "casablancatoday"))
    spooled = spooled_urls(tmp_path / "spool")
    assert len(spooled) == len(set(spooled))
    assert not stored & set(spooled)
    assert stored | set(spooled) <= set(truth_urls("casablancatoday"))


@pytest.fixture
def own_server() -> Iterator[tuple[str, Path]]:
    """An embedded PostgreSQL of the test's own, migrated: its URL and its data directory.

    Not under pytest's temporary root (mode 0700): as root, the server runs as another user.
    """
    with tempfile.TemporaryDirectory(prefix="akhbar-restart-pg-") as data_dir:
        try:
            url = embedded_database_url(Path(data_dir))
            schema.upgrade(url)
            yield url, Path(data_dir) / "pgdata"
        finally:
            stop_embedded(Path(data_dir))


def test_akhbar_crawl_goes_on_while_its_server_is_stopped_and_started(
    own_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, pgdata = own_server
    socket_dir = url.partition("?host=")[2]  # the same URL reaches the restarted server

    def pg_ctl(*args: str) -> None:
        _pgserver().pg_ctl(["-w", *args], pgdata=pgdata, user=_server_user(), timeout=60)

    # 48 requests, some 45 s of crawling; the 13th comes about a third of the way through.
    site = SlowSite(FIXTURES / "hawarnews" / "site", delay=6.0)
    request = CrawlRequest(
        outlet="hawarnews",
        host_map={"www.hawarnews.com": site.origin},
        settings={**SETTINGS, "AKHBAR_SPOOL_DIR": str(tmp_path / "spool")},
        timeout=120,
        stop=CrawlStop(),
    )
    results: list[CrawlResult] = []
    config = load_config(environ={"AKHBAR_DATABASE_URL": url})
    crawl = threading.Thread(target=lambda: results.append(run_crawl(config, request)))
    try:
        crawl.start()
        wait_for(lambda: site.requests >= 13, 60, "a third of the crawl")
        pg_ctl("-m", "fast", "stop")
        time.sleep(OUTAGE_SECONDS)
        pg_ctl("-o", f'-h "" -k {socket_dir}', "-l", str(pgdata / "log"), "start")
        assert site.requests < 45, "the crawl was over before the server came back"
        crawl.join(120)
    finally:
        request.stop.request()  # a no-op when the crawl ended
        crawl.join(60)
        site.stop()
    [result] = results
    assert result.status == "succeeded", result.error_summary
    assert archived_urls(url, "hawarnews") == truth_urls("hawarnews")
    assert spool.pending_files(tmp_path / "spool") == []
