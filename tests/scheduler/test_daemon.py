"""The daemon as users run it: ``python -m akhbar run`` against local copies of both outlets."""

from __future__ import annotations

import signal

import psutil
import pytest

from tests.reliability.outage import DatabaseProxy
from tests.support import FIXTURES, wait_for
from tests.support.daemon import OUTLETS, SlowSite, assert_no_overlaps, query, runs

pytestmark = [pytest.mark.db, pytest.mark.crawl]

EVERY_FEW_SECONDS = dict.fromkeys(OUTLETS, "3s")


def finished(url: str, outlet: str | None = None, status: str | None = None) -> list[dict]:
    return [
        run
        for run in runs(url)
        if run["finished_at"] is not None
        and (outlet is None or run["outlet"] == outlet)
        and (status is None or run["status"] == status)
    ]


def test_scheduled_crawls_of_each_outlet_are_recorded(migrated_url, sites, start_daemon) -> None:
    daemon = start_daemon(migrated_url, sites, EVERY_FEW_SECONDS)
    for outlet in OUTLETS:
        wait_for(lambda o=outlet: finished(migrated_url, o), 40, f"a crawl of {outlet}")
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(30) == 0, daemon.log()
    for outlet in OUTLETS:
        first = finished(migrated_url, outlet)[0]
        assert first["trigger"] == "scheduled"
        assert first["status"] == "succeeded", first
        assert first["articles_new"] == 29
        assert first["errors"] == 0
    log = daemon.log()
    assert "leader: scheduling crawls" in log
    assert "Traceback" not in log
    jobs = query(migrated_url, "SELECT id FROM apscheduler_jobs ORDER BY id")
    assert [job["id"] for job in jobs] == [f"crawl:{outlet}" for outlet in OUTLETS]
    assert_no_overlaps(migrated_url)


def test_standby_takes_over_when_the_leader_is_killed(migrated_url, sites, start_daemon) -> None:
    first = start_daemon(migrated_url, sites, EVERY_FEW_SECONDS, name="first")
    wait_for(lambda: "leader: scheduling crawls" in first.log(), 20, "the first daemon to lead")
    second = start_daemon(migrated_url, sites, EVERY_FEW_SECONDS, name="second")
    wait_for(lambda: "standby:" in second.log(), 20, "the second daemon to stand by")
    for outlet in OUTLETS:
        wait_for(lambda o=outlet: finished(migrated_url, o), 40, f"a crawl of {outlet}")
    assert {run["pid"] for run in runs(migrated_url)} == {first.pid}, "the standby crawled"

    # Kill the leader while it crawls, so that a crawl child is orphaned mid-crawl.
    wait_for(lambda: first.children(), 20, "a crawl process of the leader")
    orphans = first.children()
    first.signal(signal.SIGKILL)
    first.wait(10)
    wait_for(lambda: "leader: scheduling crawls" in second.log(), 60, "the standby to take over")
    for outlet in OUTLETS:
        wait_for(
            lambda o=outlet: [r for r in finished(migrated_url, o) if r["pid"] == second.pid],
            40,
            f"a crawl of {outlet} by the new leader",
        )
    # The crawl child dies with its daemon (PR_SET_PDEATHSIG) instead of crawling on unlocked.
    wait_for(lambda: not any(p.is_running() for p in orphans), 15, "the orphans to exit")

    second.signal(signal.SIGTERM)
    assert second.wait(30) == 0, second.log()
    assert "Traceback" not in second.log()
    assert all(run["finished_at"] is not None for run in runs(migrated_url))
    assert_no_overlaps(migrated_url)


def test_sigterm_during_a_crawl_records_it_and_leaves_no_process(
    migrated_url, start_daemon
) -> None:
    slow = SlowSite(FIXTURES / "hawarnews" / "site", delay=0.3)
    try:
        daemon = start_daemon(
            migrated_url,
            {"www.hawarnews.com": slow.origin},
            {"hawarnews": "2s", "casablancatoday": "1h"},
            scheduler={"stop_grace": 0.5, "kill_grace": 10},
        )
        wait_for(
            lambda: [r for r in runs(migrated_url) if r["status"] == "running"],
            30,
            "a crawl to be running",
        )
        wait_for(lambda: slow.requests >= 5, 30, "the crawl to be under way")
        children = daemon.children()
        assert children, "no crawl process"
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()
    finally:
        slow.stop()
    (run,) = runs(migrated_url)
    assert run["status"] == "interrupted"
    assert run["finished_at"] is not None
    assert run["pages_crawled"] > 0, "Scrapy closed cleanly and wrote its counts"
    assert not [c.pid for c in children if psutil.pid_exists(c.pid)]
    log = daemon.log()
    assert "waiting up to 0.5s for running crawls to finish: hawarnews" in log
    assert "killing it" not in log
    assert "Traceback" not in log


def test_a_second_signal_forces_the_stop(migrated_url, start_daemon) -> None:
    hung = SlowSite(FIXTURES / "hawarnews" / "site", delay=60)
    try:
        # Graces of an hour: the daemon ends within the wait below only if the signal forces it.
        daemon = start_daemon(
            migrated_url,
            {"www.hawarnews.com": hung.origin},
            {"hawarnews": "2s", "casablancatoday": "1h"},
            scheduler={"stop_grace": 3600, "kill_grace": 3600},
        )
        wait_for(lambda: runs(migrated_url), 30, "a crawl to start")
        wait_for(lambda: daemon.children(), 30, "the crawl process")
        children = daemon.children()
        daemon.signal(signal.SIGTERM)
        wait_for(lambda: "signal again to force" in daemon.log(), 30, "the graceful stop")
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(120) == 0, daemon.log()
    finally:
        hung.stop()
    assert "killing running crawls: hawarnews" in daemon.log()
    (run,) = runs(migrated_url)
    assert run["status"] == "interrupted"
    assert not [c.pid for c in children if psutil.pid_exists(c.pid)]


def test_a_hung_crawl_is_timed_out_and_the_daemon_goes_on(
    migrated_url, sites, start_daemon
) -> None:
    hung = SlowSite(FIXTURES / "hawarnews" / "site", delay=60)
    try:
        daemon = start_daemon(
            migrated_url,
            {**sites, "www.hawarnews.com": hung.origin},
            {"hawarnews": "2s", "casablancatoday": "2s"},
            # Long enough for the healthy outlet's crawl even on a loaded machine.
            scheduler={"crawl_timeout": 8, "kill_grace": 1},
        )
        # A crawl process slow to start on a loaded machine can reach its time limit before
        # printing anything; the first one that printed shows its output's tail was kept.
        (timed_out, *_) = wait_for(
            lambda: [r for r in finished(migrated_url, "hawarnews", "timed_out") if r["log_tail"]],
            90,
            "a timed-out crawl with its log tail",
        )
        wait_for(
            lambda: [
                r
                for r in runs(migrated_url)
                if r["id"] > timed_out["id"] and r["outlet"] == "hawarnews"
            ],
            20,
            "the next crawl of the hung outlet",
        )
        # The other outlet is still crawled (the time limit applies to it too, and a loaded
        # machine may hit it, so any recorded end will do).
        wait_for(lambda: finished(migrated_url, "casablancatoday"), 30, "the other outlet")
        assert daemon.process.poll() is None
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()
    finally:
        hung.stop()
    seconds = (timed_out["finished_at"] - timed_out["started_at"]).total_seconds()
    assert seconds >= 8
    log = daemon.log()
    assert "exceeded its 8.0s time limit" in log
    assert "Traceback" not in log
    assert_no_overlaps(migrated_url)


def test_the_database_going_away_is_logged_and_survived(migrated_url, sites, start_daemon) -> None:
    proxy = DatabaseProxy(migrated_url).restore()
    daemon = start_daemon(proxy.url, sites, EVERY_FEW_SECONDS)
    try:
        for outlet in OUTLETS:
            wait_for(lambda o=outlet: finished(migrated_url, o), 40, f"a crawl of {outlet}")
        proxy.cut()
        # Logged, retried, failed and logged again: the daemon lives through the outage.
        wait_for(lambda: daemon.log().count("; retrying in") >= 2, 60, "a retry that failed")
        assert daemon.process.poll() is None, daemon.log()
        restored_at = query(migrated_url, "SELECT now() AS now")[0]["now"]
        proxy.restore()
        wait_for(lambda: daemon.log().count("leader: scheduling crawls") == 2, 40, "recovery")
        for outlet in OUTLETS:
            wait_for(
                lambda o=outlet: [
                    r
                    for r in finished(migrated_url, o, "succeeded")
                    if r["started_at"] > restored_at
                ],
                40,
                f"a crawl of {outlet} after the outage",
            )
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()
    finally:
        proxy.cut()
    log = daemon.log()
    assert "unavailable" in log and "retrying in" in log
    assert "Traceback" not in log, log
    jobs = query(migrated_url, "SELECT id FROM apscheduler_jobs ORDER BY id")
    assert [job["id"] for job in jobs] == [f"crawl:{outlet}" for outlet in OUTLETS]
    assert_no_overlaps(migrated_url)
