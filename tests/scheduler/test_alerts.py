"""``[alerts] command``: run with the crawl's record on stdin, bounded, never raising."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import psutil
import psycopg
import pytest

from db.config import AlertSettings, Config, load_config
from db.engine import make_engine
from db.runs import finish_run, record_counts, start_run
from scheduler.alerts import alert_for_run, send_alert
from tests.support import wait_for

pytestmark = pytest.mark.db


def add_run(url: str, status: str, **counts: object) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO outlets (name, title, base_url, language)"
            " VALUES ('hawarnews', 'h', 'https://www.hawarnews.com/', 'ar')"
            " ON CONFLICT (name) DO UPDATE SET title = excluded.title RETURNING id"
        ).fetchone()
    assert row is not None
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            run_id = start_run(connection, row[0], "scheduled", 1)
            if counts:
                record_counts(connection, run_id, counts)
            finish_run(connection, run_id, status)
    finally:
        engine.dispose()
    return run_id


def config_for(url: str, command: str) -> Config:
    config = load_config(environ={"AKHBAR_DATABASE_URL": url})
    return replace(config, alerts=AlertSettings(command=command))


def test_a_degraded_crawl_sends_its_record_on_stdin(migrated_url: str, tmp_path: Path) -> None:
    received = tmp_path / "alert.json"
    command = f'cat > {received} && echo "$AKHBAR_ALERT_OUTLET $AKHBAR_ALERT_STATUS" >> {received}'
    run_id = add_run(migrated_url, "degraded", degraded_reason="tags filled in 0% of articles")
    alert_for_run(config_for(migrated_url, command), run_id)
    record_line, env_line = received.read_text(encoding="utf-8").splitlines()
    record = json.loads(record_line)
    assert record["id"] == run_id
    assert record["outlet"] == "hawarnews"
    assert record["status"] == "degraded"
    assert record["degraded_reason"] == "tags filled in 0% of articles"
    assert record["started_at"].endswith("+00:00")
    assert env_line == "hawarnews degraded"


@pytest.mark.parametrize(("status", "sent"), [("failed", True), ("succeeded", False)])
def test_only_failed_timed_out_and_degraded_crawls_alert(
    migrated_url: str, tmp_path: Path, status: str, sent: bool
) -> None:
    received = tmp_path / "alert.json"
    run_id = add_run(migrated_url, status)
    alert_for_run(config_for(migrated_url, f"cat > {received}"), run_id)
    assert received.exists() is sent


def test_no_command_configured_runs_nothing(migrated_url: str) -> None:
    config = load_config(environ={"AKHBAR_DATABASE_URL": migrated_url})
    alert_for_run(config, add_run(migrated_url, "failed"))  # nothing to run, nothing raised


def test_a_failing_command_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        sent = send_alert("echo no mail server >&2; exit 4", {"id": 7, "outlet": "x"}, 10)
    assert not sent
    assert "alert command for crawl 7 (x) exited 4: no mail server" in caplog.text


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_hanging_command_is_killed_with_what_it_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    started = tmp_path / "started"
    # The background sleep does not hold the output pipe, so nothing but the kill ends it.
    command = f"sleep 600 >/dev/null 2>&1 & echo $! > {started}; sleep 600"
    with caplog.at_level(logging.ERROR):
        sent = send_alert(command, {"id": 8, "outlet": "x"}, 2)
    assert not sent
    assert "killed after 2s" in caplog.text
    background = int(started.read_text())
    wait_for(lambda: not running(background), 30, "the command's background process to die")


def test_a_record_that_cannot_be_read_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    config = config_for("postgresql://nobody@127.0.0.1:1/x", "true")
    with caplog.at_level(logging.ERROR):
        alert_for_run(config, 1)
    assert "alert for crawl 1 not sent" in caplog.text
