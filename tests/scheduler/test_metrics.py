"""``akhbar run``'s Prometheus metrics, scraped over HTTP from real daemons."""

from __future__ import annotations

import shutil
import signal
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from akhbar.static_server import StaticSite
from crawler.extensions import errors_by_reason
from db import runs as db_runs
from db.articles import upsert_outlet
from db.config import ConfigError, load_config
from db.engine import make_engine
from tests.reliability.outage import DatabaseProxy
from tests.support import FIXTURES, free_port, wait_for
from tests.support.daemon import runs

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

MISSING_PAGE = "ar/haber/2019/08/10/afttah-mard-llfn-altshkyly-fy-kwbany-bmsharkt-h14512"
HAWARNEWS_ONLY = {"hawarnews": "3s", "casablancatoday": "1h"}
NO_CRAWL = {"hawarnews": "1h", "casablancatoday": "1h"}


def scrape(port: int) -> Samples | None:
    """Every sample of the daemon's /metrics; None while nothing listens there."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=20) as answer:
            body = answer.read().decode()
    except (ConnectionError, urllib.error.URLError):
        return None
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def by_label(samples: Samples, name: str, outlet: str, label: str) -> dict[str, float]:
    """``label`` -> value of the outlet's samples of ``name``."""
    found = {}
    for (sample, labels), number in samples.items():
        values = dict(labels)
        if sample == name and values.get("outlet") == outlet:
            found[values[label]] = number
    return found


def latest_finished(url: str, outlet: str) -> dict[str, Any] | None:
    done = [r for r in runs(url) if r["outlet"] == outlet and r["finished_at"] is not None]
    return max(done, key=lambda r: (r["started_at"], r["id"]), default=None)


def steady_scrape(url: str, port: int, outlet: str) -> tuple[Samples, dict[str, Any]]:
    """A scrape and the outlet's latest finished crawl, unchanged while it was taken."""

    def attempt() -> tuple[Samples, dict[str, Any]] | None:
        before = latest_finished(url, outlet)
        samples = scrape(port)
        after = latest_finished(url, outlet)
        if before is None or samples is None or before["id"] != after["id"]:
            return None
        return samples, before

    return wait_for(attempt, 30, f"a scrape between two crawls of {outlet}")


def record_degraded_run(url: str, outlet: str) -> None:
    """A finished degraded crawl of ``outlet``, written the way crawls write theirs."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            outlet_id = upsert_outlet(
                connection,
                {
                    "name": outlet,
                    "title": outlet,
                    "base_url": f"https://www.{outlet}.com/",
                    "language": "ar",
                },
            )
            run_id = db_runs.start_run(connection, outlet_id, "scheduled", pid=None)
            db_runs.record_counts(
                connection,
                run_id,
                {
                    "errors": 2,
                    "stats": {"akhbar/errors/timeout": 2},
                    "degraded_reason": "tags filled in 0% of articles, usually 100%",
                },
            )
            db_runs.finish_run(connection, run_id, "degraded")
    finally:
        engine.dispose()


@pytest.mark.db
@pytest.mark.crawl
def test_leader_and_standby_show_the_archive(migrated_url, tmp_path, start_daemon) -> None:
    root = tmp_path / "hawarnews"
    shutil.copytree(FIXTURES / "hawarnews" / "site", root)
    shutil.rmtree(root / MISSING_PAGE)  # its crawl counts an error: http_404
    site = StaticSite(root).start()
    hosts = {"www.hawarnews.com": site.origin}
    leader_port, standby_port = free_port(), free_port()
    try:
        leader = start_daemon(
            migrated_url,
            hosts,
            HAWARNEWS_ONLY,
            scheduler={"metrics_address": f"127.0.0.1:{leader_port}"},
            name="leader",
        )
        wait_for(lambda: "leader: scheduling crawls" in leader.log(), 30, "the daemon to lead")
        standby = start_daemon(
            migrated_url,
            hosts,
            HAWARNEWS_ONLY,
            scheduler={"metrics_address": f"127.0.0.1:{standby_port}"},
            name="standby",
        )
        wait_for(lambda: latest_finished(migrated_url, "hawarnews"), 60, "a crawl of hawarnews")
        samples, run = steady_scrape(migrated_url, leader_port, "hawarnews")

        assert value(samples, "akhbar_daemon_leader") == 1
        assert value(samples, "akhbar_database_up") == 1
        assert run["status"] == "succeeded", run
        assert by_label(samples, "akhbar_outlet_last_crawl_status", "hawarnews", "status") == {
            "succeeded": 1,
            "degraded": 0,
            "failed": 0,
            "timed_out": 0,
            "interrupted": 0,
        }
        assert value(samples, "akhbar_outlet_degraded", outlet="hawarnews") == 0
        finished_at = run["finished_at"].timestamp()
        assert value(
            samples, "akhbar_outlet_last_crawl_timestamp_seconds", outlet="hawarnews"
        ) == pytest.approx(finished_at, abs=1e-3)
        assert value(
            samples, "akhbar_outlet_last_success_timestamp_seconds", outlet="hawarnews"
        ) == pytest.approx(finished_at, abs=1e-3)
        assert value(
            samples, "akhbar_outlet_last_crawl_duration_seconds", outlet="hawarnews"
        ) == pytest.approx((run["finished_at"] - run["started_at"]).total_seconds(), abs=1e-3)
        expected_articles = len(list((FIXTURES / "hawarnews" / "expected").glob("*.json"))) - 1
        assert value(samples, "akhbar_outlet_articles_stored_total", outlet="hawarnews") == (
            expected_articles
        )
        errors = by_label(samples, "akhbar_outlet_last_crawl_errors", "hawarnews", "reason")
        assert errors == errors_by_reason(run["stats"])
        assert errors["http_404"] == 1
        assert "process_cpu_seconds_total" in {name for name, _ in samples}

        # A degraded crawl, as the standby (which reads the same archive) shows it.
        record_degraded_run(migrated_url, "casablancatoday")
        wait_for(lambda: "standby:" in standby.log(), 30, "the second daemon to stand by")
        shown = scrape(standby_port)
        assert shown is not None
        assert value(shown, "akhbar_daemon_leader") == 0
        assert value(shown, "akhbar_database_up") == 1
        assert value(shown, "akhbar_outlet_degraded", outlet="casablancatoday") == 1
        statuses = by_label(shown, "akhbar_outlet_last_crawl_status", "casablancatoday", "status")
        assert {status for status, on in statuses.items() if on} == {"degraded"}
        assert by_label(shown, "akhbar_outlet_last_crawl_errors", "casablancatoday", "reason") == {
            "timeout": 2
        }
        assert value(shown, "akhbar_outlet_articles_stored_total", outlet="casablancatoday") == 0
        never = value(
            shown, "akhbar_outlet_last_success_timestamp_seconds", outlet="casablancatoday"
        )
        assert never is None
        assert value(shown, "akhbar_outlet_articles_stored_total", outlet="hawarnews") == (
            expected_articles
        )

        for daemon in (standby, leader):
            daemon.signal(signal.SIGTERM)
            assert daemon.wait(30) == 0, daemon.log()
            assert "Traceback" not in daemon.log()
    finally:
        site.stop()
    assert scrape(leader_port) is None, "the metrics server outlived its daemon"
    assert scrape(standby_port) is None, "the metrics server outlived its daemon"


@pytest.mark.db
def test_a_scrape_without_the_database_says_so(migrated_url, start_daemon) -> None:
    proxy = DatabaseProxy(migrated_url).restore()
    port = free_port()
    try:
        daemon = start_daemon(
            proxy.url, {}, NO_CRAWL, scheduler={"metrics_address": f"127.0.0.1:{port}"}
        )
        wait_for(lambda: "leader: scheduling crawls" in daemon.log(), 30, "the daemon to lead")
        samples = wait_for(lambda: scrape(port), 10, "the metrics server")
        assert value(samples, "akhbar_database_up") == 1
        assert value(samples, "akhbar_daemon_leader") == 1

        proxy.cut()
        samples = scrape(port)
        assert samples is not None
        assert value(samples, "akhbar_database_up") == 0
        assert not [name for name, _ in samples if name.startswith("akhbar_outlet_")]
        wait_for(lambda: "unavailable" in daemon.log(), 15, "the outage to be noticed")
        samples = scrape(port)
        assert samples is not None
        assert value(samples, "akhbar_daemon_leader") == 0
        assert value(samples, "akhbar_database_up") == 0

        daemon.signal(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()
    finally:
        proxy.cut()
    assert "Traceback" not in daemon.log()


def test_an_address_in_use_stops_the_daemon_at_once(start_daemon) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        daemon = start_daemon(
            "postgresql://127.0.0.1:1/none",
            {},
            NO_CRAWL,
            scheduler={"metrics_address": f"127.0.0.1:{port}"},
        )
        assert daemon.wait(30) == 1
    log = daemon.log()
    assert f"scheduler.metrics_address = '127.0.0.1:{port}': cannot listen there" in log
    assert "daemon.toml" in log


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9464", 'must be "HOST:PORT"'),
        (":9464", 'must be "HOST:PORT"'),
        ("::1:9464", '("[::1]:PORT" for IPv6)'),
        ("127.0.0.1:0", "needs a port from 1 to 65535"),
        ("127.0.0.1:http", "needs a port from 1 to 65535"),
    ],
)
def test_bad_metrics_addresses_are_refused(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "akhbar.toml"
    config.write_text(f'[scheduler]\nmetrics_address = "{text}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config, environ={})
    assert str(refused.value).startswith(f"{config}: scheduler.metrics_address")
    assert message in str(refused.value)


def test_metrics_are_off_unless_configured(tmp_path: Path) -> None:
    assert load_config(environ={}).scheduler.metrics_address is None
    config = tmp_path / "akhbar.toml"
    config.write_text('[scheduler]\nmetrics_address = "[::1]:9464"\n', encoding="utf-8")
    assert load_config(config, environ={}).scheduler.metrics_address == ("::1", 9464)
    config.write_text("[scheduler]\nmetrics_address = 9464\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="metrics_address must be a string"):
        load_config(config, environ={})
