"""Crawl runs: their rows in ``crawl_runs`` and the per-outlet advisory locks.

The lock is a session-level PostgreSQL advisory lock keyed on the outlet, so two
crawls of one outlet never overlap, even when started by two daemons on two
machines; it goes away by itself when the holder's connection dies.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from db.models import CrawlRun, Outlet

logger = logging.getLogger(__name__)

CRAWL_LOCK_CLASS = 0x616B68  # first key of the two-key advisory lock: "akh"


def try_lock_outlet(connection: Connection, outlet_id: int) -> bool:
    """Take the outlet's crawl lock for this connection's session, if free."""
    return bool(
        connection.execute(
            text("SELECT pg_try_advisory_lock(:cls, :key)"),
            {"cls": CRAWL_LOCK_CLASS, "key": outlet_id},
        ).scalar_one()
    )


def holds_outlet_lock(connection: Connection, outlet_id: int) -> bool:
    """Whether this connection's session (still) holds the outlet's crawl lock.

    False after the server restarted or the connection was replaced, even if the
    connection itself works again.
    """
    return bool(
        connection.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() AND granted AND classid = :cls"
                " AND objid = :key AND objsubid = 2)"
            ),
            {"cls": CRAWL_LOCK_CLASS, "key": outlet_id},
        ).scalar_one()
    )


def close_stale_runs(connection: Connection, outlet_id: int) -> int:
    """Mark the outlet's ``running`` rows ``interrupted``; return how many there were.

    Call it holding the outlet's lock: then no crawl of the outlet is running, and
    such rows are left by a process that died (killed, host lost) before it could
    finish them. ``finished_at`` becomes now, when the death was noticed.
    """
    result = connection.execute(
        update(CrawlRun)
        .where(CrawlRun.outlet_id == outlet_id, CrawlRun.status == "running")
        .values(
            status="interrupted",
            finished_at=func.now(),
            error_summary=func.coalesce(
                CrawlRun.error_summary, "the process running the crawl died"
            ),
        )
    )
    return result.rowcount or 0


def unlock_outlet(connection: Connection, outlet_id: int) -> None:
    connection.execute(
        text("SELECT pg_advisory_unlock(:cls, :key)"), {"cls": CRAWL_LOCK_CLASS, "key": outlet_id}
    )


def begin_locked_run(
    connection: Connection,
    outlet_id: int,
    outlet_name: str,
    trigger: str,
    pid: int | None,
    node: str | None = None,
    scrapyd_job: str | None = None,
) -> int | None:
    """Take the outlet's crawl lock and start a run under it; None when another crawl holds it.

    Holding the lock, any ``running`` row of the outlet was left by a process that
    died: those are recorded ``interrupted`` first. The caller commits.
    """
    if not try_lock_outlet(connection, outlet_id):
        return None
    stale = close_stale_runs(connection, outlet_id)
    if stale:
        logger.warning(
            "%s: %d earlier run(s) left running by a dead process recorded interrupted",
            outlet_name,
            stale,
        )
    return start_run(connection, outlet_id, trigger, pid, node, scrapyd_job)


def start_run(
    connection: Connection,
    outlet_id: int,
    trigger: str,
    pid: int | None,
    node: str | None = None,
    scrapyd_job: str | None = None,
) -> int:
    """Insert a ``running`` row; ``node`` and ``scrapyd_job`` say where scrapyd ran it."""
    statement = (
        insert(CrawlRun)
        .values(
            outlet_id=outlet_id,
            trigger=trigger,
            pid=pid,
            hostname=socket.gethostname(),
            node=node,
            scrapyd_job=scrapyd_job,
        )
        .returning(CrawlRun.id)
    )
    return connection.execute(statement).scalar_one()


def record_counts(connection: Connection, run_id: int, counts: Mapping[str, Any]) -> None:
    """Write the counts, error summary and stats a crawl process reports."""
    connection.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**counts))


def finish_run(
    connection: Connection,
    run_id: int,
    status: str,
    error_summary: str | None = None,
    log_tail: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": func.now()}
    if error_summary is not None:
        values["error_summary"] = error_summary
    if log_tail is not None:
        values["log_tail"] = log_tail
    connection.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**values))


def get_run(connection: Connection, run_id: int) -> dict[str, Any] | None:
    """The run's row, with the outlet's name as ``outlet``."""
    row = connection.execute(
        select(CrawlRun.__table__, Outlet.name.label("outlet"))
        .join(Outlet, Outlet.id == CrawlRun.outlet_id)
        .where(CrawlRun.id == run_id)
    ).first()
    return dict(row._mapping) if row else None


def job_run(connection: Connection, scrapyd_job: str) -> dict[str, Any] | None:
    """The run a scrapyd job recorded (None if its crawl never reached the database)."""
    run_id = connection.execute(
        select(CrawlRun.id).where(CrawlRun.scrapyd_job == scrapyd_job)
    ).scalar_one_or_none()
    return None if run_id is None else get_run(connection, run_id)


def list_runs(
    connection: Connection, outlet: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The latest runs, newest first, with the outlet's name as ``outlet``."""
    statement = (
        select(CrawlRun.__table__, Outlet.name.label("outlet"))
        .join(Outlet, Outlet.id == CrawlRun.outlet_id)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(limit)
    )
    if outlet is not None:
        statement = statement.where(Outlet.name == outlet)
    return [dict(row._mapping) for row in connection.execute(statement)]


def last_runs(connection: Connection) -> dict[str, dict[str, Any]]:
    """Outlet name -> its latest run, for every outlet that has one."""
    statement = (
        select(CrawlRun.__table__, Outlet.name.label("outlet"))
        .join(Outlet, Outlet.id == CrawlRun.outlet_id)
        .distinct(CrawlRun.outlet_id)
        .order_by(CrawlRun.outlet_id, CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    return {row.outlet: dict(row._mapping) for row in connection.execute(statement)}


def last_success_started(connection: Connection, outlet_name: str) -> dt.datetime | None:
    """When the outlet's latest successful crawl started; None if it never had one."""
    return connection.execute(
        select(func.max(CrawlRun.started_at))
        .join(Outlet, Outlet.id == CrawlRun.outlet_id)
        .where(Outlet.name == outlet_name, CrawlRun.status == "succeeded")
    ).scalar_one()


def stored_next_runs(connection: Connection, table: str) -> dict[str, dt.datetime | None]:
    """Job id -> next run time, from APScheduler's job table ``table`` (empty without one).

    Reads the plain columns, not the pickled jobs, so no APScheduler object is needed.
    """
    if not connection.execute(
        text("SELECT to_regclass(:table) IS NOT NULL"), {"table": table}
    ).scalar_one():
        return {}
    quoted = connection.dialect.identifier_preparer.quote(table)
    rows = connection.execute(text(f"SELECT id, next_run_time FROM {quoted}"))
    return {
        job: dt.datetime.fromtimestamp(when, dt.UTC) if when is not None else None
        for job, when in rows
    }
