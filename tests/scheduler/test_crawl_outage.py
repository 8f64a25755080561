"""``akhbar crawl`` through a database outage during which another crawl took the outlet's
lock: the parent process, which holds the lock, stops its crawl and records it
``interrupted``, and why, on a new connection. (A crawl whose lock nobody took goes on:
``tests/reliability/test_failover.py``.) The outage is a cut
:class:`~tests.reliability.outage.DatabaseProxy`, not a stopped server: the machine's
PostgreSQL serves other tests running in parallel."""

from __future__ import annotations

import threading

import pytest

from crawler.lock_keeper import LOCK_TAKEN
from db.config import load_config
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.reliability.outage import DatabaseProxy
from tests.reliability.test_failover import archived_urls, take_lock_as_another_crawl
from tests.support import FIXTURES, wait_for
from tests.support.daemon import FAST_CRAWLS, SlowSite, runs

pytestmark = [pytest.mark.db, pytest.mark.crawl]


def test_a_crawl_whose_lock_another_took_is_stopped_and_recorded(migrated_url) -> None:
    proxy = DatabaseProxy(migrated_url).restore()
    slow = SlowSite(FIXTURES / "hawarnews" / "site", delay=1.5)
    config = load_config(environ={"AKHBAR_DATABASE_URL": proxy.url})
    request = CrawlRequest(
        outlet="hawarnews",
        host_map={"www.hawarnews.com": slow.origin},
        settings={key: str(value) for key, value in FAST_CRAWLS.items()},
        timeout=120,
        kill_grace=20,
    )
    results: list[CrawlResult] = []
    crawl = threading.Thread(target=lambda: results.append(run_crawl(config, request)))
    other = None
    try:
        crawl.start()
        wait_for(lambda: slow.requests >= 3, 30, "the crawl to be under way")
        proxy.cut()
        other, other_run = take_lock_as_another_crawl(migrated_url, "hawarnews")
        proxy.restore()
        crawl.join(90)
    finally:
        proxy.cut()
        slow.stop()
        if other is not None:
            other.close()
    assert not crawl.is_alive()
    (result,) = results
    assert result.status == "interrupted"
    assert result.error_summary == LOCK_TAKEN
    first, second = runs(migrated_url)
    assert (first["status"], first["error_summary"]) == ("interrupted", LOCK_TAKEN)
    assert first["finished_at"] is not None
    assert (second["id"], second["status"]) == (other_run, "running")
    stored = archived_urls(migrated_url, "hawarnews")
    assert len(stored) == len(set(stored))
