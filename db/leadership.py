"""Leadership among daemons on one database: a session-level advisory lock, polled.

Every ``akhbar run`` keeps a dedicated connection and tries the leadership lock on
it every few seconds. The one that gets it schedules; the others stand by. When
the leader dies its session ends, PostgreSQL drops the lock, and the next standby
to poll takes over. The connection's ``application_name`` says which role each
daemon plays, so ``akhbar status`` can show leader and standbys from
``pg_stat_activity`` without a table of its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

import psycopg

from db.engine import plain_libpq_url
from db.errors import brief

logger = logging.getLogger(__name__)

LEADER_LOCK_CLASS = 0x616B64  # "akd": two-key advisory lock, apart from the crawl locks
LEADER_LOCK_KEY = 1
APPLICATION_PREFIX = "akhbar run"
# Server-side TCP keepalives, so that a leader cut off by the network loses its
# session (and the lock) in about half a minute rather than after hours.
_KEEPALIVE_OPTIONS = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
)


class LeadershipLost(Exception):
    """The leadership connection failed or no longer holds the lock."""


def identity() -> str:
    """``host:pid`` of this daemon, as shown by ``akhbar status``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """This daemon's leadership connection and lock."""

    def __init__(self, url: str) -> None:
        self.url = plain_libpq_url(url)
        self.connection: psycopg.Connection[Any] | None = None
        self.is_leader = False

    def connect(self) -> None:
        """Open the dedicated connection (as a standby); raises ``psycopg.Error``."""
        self.close()
        self.connection = psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=5,
            application_name=f"{APPLICATION_PREFIX}: standby {identity()}"[:63],
            options=f"-c timezone=UTC {_KEEPALIVE_OPTIONS}",
            # Client-side keepalives: notice a dead server while idle between polls.
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
        )

    def try_acquire(self) -> bool:
        """Take the leadership lock if free; True when this daemon leads (now or already)."""
        connection = self._connection()
        acquired = connection.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", (LEADER_LOCK_CLASS, LEADER_LOCK_KEY)
        ).fetchone()
        if acquired and acquired[0]:
            if not self.is_leader:
                connection.execute(
                    "SELECT set_config('application_name', %s, false)",
                    (f"{APPLICATION_PREFIX}: leader {identity()}"[:63],),
                )
                # A session-level advisory lock is re-entrant: keep exactly one hold.
            else:
                connection.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (LEADER_LOCK_CLASS, LEADER_LOCK_KEY)
                )
            self.is_leader = True
        return self.is_leader

    def check(self) -> None:
        """Raise :class:`LeadershipLost` unless this session still holds the lock."""
        try:
            row = (
                self._connection()
                .execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted AND classid = %s AND objid = %s"
                    " AND objsubid = 2)",
                    (LEADER_LOCK_CLASS, LEADER_LOCK_KEY),
                )
                .fetchone()
            )
        except psycopg.Error as exc:
            self.is_leader = False
            raise LeadershipLost(brief(exc)) from exc
        if not (row and row[0]):
            self.is_leader = False
            raise LeadershipLost("the leadership lock is no longer held")

    def close(self) -> None:
        """Drop the connection, and with it the lock (the next standby takes over)."""
        self.is_leader = False
        if self.connection is not None:
            with contextlib.suppress(psycopg.Error):
                self.connection.close()
            self.connection = None

    def _connection(self) -> psycopg.Connection[Any]:
        if self.connection is None or self.connection.closed:
            raise LeadershipLost("no connection to the database")
        return self.connection


@dataclass(frozen=True)
class DaemonInfo:
    """One ``akhbar run`` seen from the database."""

    role: str
    """``leader`` or ``standby``."""
    name: str
    """``host:pid`` as the daemon reported it."""
    backend_start: Any


def daemons(connection: Any) -> list[DaemonInfo]:
    """The daemons connected to this database, leader first (SQLAlchemy connection)."""
    from sqlalchemy import text

    rows = connection.execute(
        text(
            "SELECT a.application_name, a.backend_start, l.pid IS NOT NULL AS leads"
            " FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid"
            " AND l.locktype = 'advisory' AND l.granted AND l.classid = :cls"
            " AND l.objid = :key AND l.objsubid = 2"
            " WHERE a.datname = current_database() AND a.application_name LIKE :prefix"
            " ORDER BY leads DESC, a.backend_start"
        ),
        {"cls": LEADER_LOCK_CLASS, "key": LEADER_LOCK_KEY, "prefix": f"{APPLICATION_PREFIX}: %"},
    )
    found = []
    for name, started, leads in rows:
        who = name.split(" ")[-1]
        found.append(DaemonInfo("leader" if leads else "standby", who, started))
    return found
