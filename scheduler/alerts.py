"""Alerts without integrations of ours: ``[alerts] command``, fed the crawl's record as JSON.

Whenever a crawl fails, times out or is degraded, the configured command is run
through ``/bin/sh -c`` with the crawl's ``crawl_runs`` row (plus ``outlet``, its
name) as one line of JSON on its standard input, and ``AKHBAR_ALERT_OUTLET`` and
``AKHBAR_ALERT_STATUS`` in its environment, so a user's own script can send mail
or a chat message. The command has ``[alerts] timeout`` seconds; whatever goes
wrong with it is logged and never reaches the crawl or the daemon.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
from typing import Any

from db import runs
from db.config import Config
from db.engine import ensure_database_url, make_engine

logger = logging.getLogger(__name__)

ALERT_STATUSES = ("failed", "timed_out", "degraded")
"""The crawls an alert is sent for; an ``interrupted`` one was stopped on purpose."""


def alert_for_run(config: Config, run_id: int) -> None:
    """Run the alert command for crawl ``run_id`` if it needs one; never raises."""
    if config.alerts.command is None:
        return
    try:
        record = _load(config, run_id)
    except Exception as exc:  # an alert must never take the daemon down
        logger.error("alert for crawl %s not sent: cannot read its record: %s", run_id, exc)
        return
    if record is None or record["status"] not in ALERT_STATUSES:
        return
    send_alert(config.alerts.command, record, config.alerts.timeout)


def send_alert(command: str, record: dict[str, Any], timeout: float) -> bool:
    """Run ``command`` with ``record`` as JSON on stdin; False (logged) when it did not succeed."""
    env = {
        **os.environ,
        "AKHBAR_ALERT_OUTLET": str(record.get("outlet", "")),
        "AKHBAR_ALERT_STATUS": str(record.get("status", "")),
    }
    what = f"alert command for crawl {record.get('id')} ({record.get('outlet')})"
    try:
        # A session of its own, so that a timeout kills whatever the shell started too.
        process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        logger.error("%s could not start: %s", what, exc)
        return False
    try:
        payload = (record_json(record) + "\n").encode()
        output, _ = process.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        logger.error("%s killed after %ss", what, timeout)
        return False
    if process.returncode != 0:
        tail = output.decode(errors="replace").strip()[-500:]
        logger.error("%s exited %s: %s", what, process.returncode, tail)
        return False
    logger.info("%s sent", what)
    return True


def record_json(record: dict[str, Any]) -> str:
    """One line of JSON; times as ISO 8601 strings in UTC."""
    return json.dumps(record, default=_jsonable, ensure_ascii=False, sort_keys=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def _load(config: Config, run_id: int) -> dict[str, Any] | None:
    engine = make_engine(ensure_database_url(config), pool_size=1)
    try:
        with engine.connect() as connection:
            return runs.get_run(connection, run_id)
    finally:
        engine.dispose()
