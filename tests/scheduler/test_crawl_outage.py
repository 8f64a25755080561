"""A crawl whose database connection is cut for a moment: the crawl is stopped, since its
lock is gone, and its end is still recorded, on a new connection."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from db.config import load_config
from scheduler.crawl import CrawlRequest, CrawlResult, run_crawl
from tests.scheduler.conftest import FAST_CRAWLS, FIXTURES, SlowSite, TcpProxy, runs, wait_for

pytestmark = [pytest.mark.db, pytest.mark.crawl]


def proxied(url: str, proxy: TcpProxy) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"postgresql://{info['user']}@127.0.0.1:{proxy.port}/{info['dbname']}"


def test_a_crawl_that_loses_its_lock_is_stopped_and_still_recorded(migrated_url) -> None:
    info = psycopg.conninfo.conninfo_to_dict(migrated_url)
    if info.get("host") != "127.0.0.1":
        pytest.skip("the proxy forwards TCP; this server is not on 127.0.0.1")
    proxy = TcpProxy(("127.0.0.1", int(info.get("port", 5432)))).start()
    slow = SlowSite(FIXTURES / "hawarnews" / "site", delay=1.5)
    config = load_config(environ={"AKHBAR_DATABASE_URL": proxied(migrated_url, proxy)})
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
        proxy.start()
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
