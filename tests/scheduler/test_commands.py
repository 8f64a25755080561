"""``akhbar runs`` and ``akhbar status`` on a database with crawl history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from akhbar.cli import cli
from db.engine import make_engine
from db.leadership import Leadership
from db.runs import close_stale_runs, finish_run, start_run, try_lock_outlet
from scheduler.daemon import Backoff
from tests.support import wait_for
from tests.support.daemon import runs

pytestmark = pytest.mark.db


def add_outlet(url: str, name: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO outlets (name, title, base_url, language) VALUES (%s, %s, %s, 'ar')"
            " RETURNING id",
            (name, name, f"https://www.{name}.com/"),
        ).fetchone()
    assert row is not None
    return row[0]


def env(url: str) -> dict[str, str]:
    return {"AKHBAR_DATABASE_URL": url, "DATABASE_URL": "", "AKHBAR_CONFIG": ""}


def test_runs_lists_newest_first_and_filters_by_outlet(migrated_url) -> None:
    hawar, casa = add_outlet(migrated_url, "hawarnews"), add_outlet(migrated_url, "casablancatoday")
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        first = start_run(connection, hawar, "scheduled", 1)
        finish_run(connection, first, "succeeded")
    with engine.begin() as connection:
        second = start_run(connection, casa, "manual", 2)
        finish_run(connection, second, "timed_out", error_summary="timed_out")
    engine.dispose()

    result = CliRunner().invoke(cli, ["runs"], env=env(migrated_url))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["ID", "OUTLET", "TRIGGER"]
    assert "casablancatoday" in lines[1] and "timed_out" in lines[1]
    assert "hawarnews" in lines[2] and "succeeded" in lines[2]

    result = CliRunner().invoke(
        cli, ["runs", "--outlet", "hawarnews", "--limit", "5"], env=env(migrated_url)
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 2
    assert "casablancatoday" not in result.output


def test_status_shows_leader_standby_and_last_runs(migrated_url) -> None:
    hawar = add_outlet(migrated_url, "hawarnews")
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        finish_run(connection, start_run(connection, hawar, "scheduled", 1), "succeeded")
    engine.dispose()

    result = CliRunner().invoke(cli, ["status"], env=env(migrated_url))
    assert result.exit_code == 0, result.output
    assert "none running" in result.output

    leader, standby = Leadership(migrated_url), Leadership(migrated_url)
    try:
        leader.connect()
        standby.connect()
        assert leader.try_acquire()
        assert not standby.try_acquire()
        leader.check()
        result = CliRunner().invoke(cli, ["status"], env=env(migrated_url))
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0].startswith("daemon: leader ")
        assert lines[1].startswith("daemon: standby ")
        (hawar_line,) = [line for line in lines if line.startswith("hawarnews")]
        assert "succeeded" in hawar_line
        assert "*/30 * * * *" in hawar_line
        leader.close()
        # The server drops the lock when it notices the session ended: soon, not at once.
        wait_for(standby.try_acquire, 5, "the standby to take the lock once the leader is gone")
    finally:
        leader.close()
        standby.close()


def test_stale_running_rows_are_closed_under_the_lock(migrated_url) -> None:
    outlet = add_outlet(migrated_url, "hawarnews")
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        start_run(connection, outlet, "scheduled", 1)  # its process died: never finished
    with engine.connect() as connection:
        assert try_lock_outlet(connection, outlet)
        assert close_stale_runs(connection, outlet) == 1
        connection.commit()
    with psycopg.connect(migrated_url) as conn:
        row = conn.execute("SELECT status, finished_at FROM crawl_runs").fetchone()
    engine.dispose()
    assert row is not None
    assert row[0] == "interrupted" and row[1] is not None


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(1, 8)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 8, 8]
    backoff.reset()
    assert backoff.next() == 1


def short_crawl_config(tmp_path: Path) -> Path:
    """A configuration whose crawls stop after two responses: quick, and recognisable."""
    path = tmp_path / "akhbar.toml"
    path.write_text(
        "[scheduler.scrapy_settings]\nCLOSESPIDER_PAGECOUNT = 2\nAUTOTHROTTLE_ENABLED = false\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.crawl
def test_manual_crawl_applies_the_configured_scrapy_settings(
    migrated_url, sites: dict[str, str], tmp_path: Path
) -> None:
    hosts = [f"--map-host={host}={origin}" for host, origin in sites.items()]
    config = short_crawl_config(tmp_path)
    args = ["--config", str(config), "crawl", "hawarnews", *hosts]
    result = CliRunner().invoke(cli, args, env=env(migrated_url))
    assert "hawarnews: " in result.output, result.output
    (run,) = runs(migrated_url)
    assert run["stats"]["finish_reason"] == "closespider_pagecount"


@pytest.mark.crawl
def test_manual_crawl_prints_its_summary_once(
    migrated_url, sites: dict[str, str], tmp_path: Path
) -> None:
    hosts = [f"--map-host={host}={origin}" for host, origin in sites.items()]
    config = short_crawl_config(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "akhbar", "--config", str(config), "crawl", "hawarnews", *hosts],
        env={**os.environ, **env(migrated_url), "AKHBAR_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summaries = re.findall(r"hawarnews: \w+ in [\d.]+s:", result.stdout + result.stderr)
    assert len(summaries) == 1, result.stdout + result.stderr
