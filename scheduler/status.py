"""What ``akhbar status`` reports: the daemons, and each outlet's next and last run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from db import runs
from db.config import Config
from db.leadership import DaemonInfo, daemons
from scheduler.daemon import JOBSTORE_TABLE
from scheduler.jobs import job_id
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


def collect(connection: Connection, config: Config) -> Status:
    next_runs = runs.stored_next_runs(connection, JOBSTORE_TABLE)
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
