"""A crawl whose database connection is cut for a moment: the crawl is stopped, since its
lock is gone, and its end is still recorded, on a new connection."""

from __future__ import annotations

import threading
import time

import pytest

from db.config import load_config
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.reliability.outage import DatabaseProxy
from tests.scheduler.conftest import FAST_CRAWLS, FIXTURES, SlowSite, runs, wait_for

pytestmark = [pytest.mark.db, pytest.mark.crawl]


def test_a_crawl_that_loses_its_lock_is_stopped_and_still_recorded(migrated_url) -> None:
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
    try:
        crawl.start()
        wait_for(lambda: slow.requests >= 3, 30, "the crawl to be under way")
        proxy.cut()
        time.sleep(1)
        proxy.restore()
        crawl.join(90)
    finally:
        proxy.cut()
        slow.stop()
    assert not crawl.is_alive()
    (result,) = results
    assert result.status == "interrupted"
    (run,) = runs(migrated_url)
    assert run["status"] == "interrupted"
    assert run["finished_at"] is not None
