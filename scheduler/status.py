"""What ``akhbar status`` reports: the daemons, and each outlet's next and last run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from db import runs
from db.config import Config
from scheduler.daemon import JOBSTORE_TABLE
from scheduler.jobs import JOB_ID_PREFIX, job_id
from scheduler.leader import DaemonInfo, daemons
from scheduler.schedules import outlet_schedules


@dataclass(frozen=True)
class OutletStatus:
    outlet: str
    schedule: str
    enabled: bool
    next_run: dt.datetime | None
    """From the job store; None when not scheduled (no daemon ever led, or disabled)."""
    last_run: dict[str, Any] | None


@dataclass(frozen=True)
class Status:
    daemons: list[DaemonInfo]
    outlets: list[OutletStatus]


def stored_next_runs(connection: Connection) -> dict[str, dt.datetime | None]:
    """Outlet -> next run time, read from APScheduler's table (empty if it has none)."""
    exists = connection.execute(
        text("SELECT to_regclass(:table) IS NOT NULL"), {"table": JOBSTORE_TABLE}
    ).scalar_one()
    if not exists:
        return {}
    # Read the plain columns, not the pickled job: status needs no APScheduler objects.
    rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}"))
    return {
        job: dt.datetime.fromtimestamp(when, dt.UTC) if when is not None else None
        for job, when in rows
        if job.startswith(JOB_ID_PREFIX)
    }


def collect(connection: Connection, config: Config) -> Status:
    next_runs = stored_next_runs(connection)
    last = runs.last_runs(connection)
    outlets = [
        OutletStatus(
            outlet=name,
            schedule=item.schedule,
            enabled=item.enabled,
            next_run=next_runs.get(job_id(name)) if item.enabled else None,
            last_run=last.get(name),
        )
        for name, item in outlet_schedules(config).items()
    ]
    return Status(daemons(connection), outlets)
