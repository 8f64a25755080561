"""Crawl runs: their rows in ``crawl_runs`` and the per-outlet advisory locks.

The lock is a session-level PostgreSQL advisory lock keyed on the outlet, so two
crawls of one outlet never overlap, even when started by two daemons on two
machines; it goes away by itself when the holder's connection dies.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from db.models import CrawlRun, Outlet

CRAWL_LOCK_CLASS = 0x616B68  # first key of the two-key advisory lock: "akh"
COUNT_FIELDS = (
    "pages_crawled",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "errors",
)


def try_lock_outlet(connection: Connection, outlet_id: int) -> bool:
    """Take the outlet's crawl lock for this connection's session, if free."""
    return bool(
        connection.execute(
            text("SELECT pg_try_advisory_lock(:cls, :key)"),
            {"cls": CRAWL_LOCK_CLASS, "key": outlet_id},
        ).scalar_one()
    )


def unlock_outlet(connection: Connection, outlet_id: int) -> None:
    connection.execute(
        text("SELECT pg_advisory_unlock(:cls, :key)"), {"cls": CRAWL_LOCK_CLASS, "key": outlet_id}
    )


def start_run(connection: Connection, outlet_id: int, trigger: str, pid: int | None) -> int:
    statement = (
        insert(CrawlRun)
        .values(outlet_id=outlet_id, trigger=trigger, pid=pid, hostname=socket.gethostname())
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
