"""Keeping a crawl's outlet lock through a database outage (a managed failover: 20–60 s).

The outlet's advisory lock lives in one database session; an outage ends the
session and the lock with it. Stopping the crawl then would waste it: its
articles can wait in the spool. :class:`LockKeeper` instead notices the loss,
reconnects with back-off, and takes the lock again on a new session, checking
that the run is still its own. Another crawl that started meanwhile holds the
lock, or held it and recorded this run ``interrupted`` (``db.runs.
begin_locked_run``): then the lock is *taken*, and the crawl must stop.

Blocking and Scrapy-free: the crawl process runs it in threads
(:mod:`crawler.lock_watch`), the local runner's parent process in its poll loop
(:mod:`scheduler.crawl`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from db import runs
from db.errors import brief
from db.models import CrawlRun

logger = logging.getLogger(__name__)

HELD = "held"
LOST = "lost"
"""The lock's session is gone (database unreachable); trying to take the lock again."""
TAKEN = "taken"
"""Another crawl took the lock during the outage: this crawl must stop."""

LOCK_TAKEN = "lock taken by another crawl after a database outage"
FIRST_RETRY = 1.0


class LockKeeper:
    """Holds the outlet's lock for one run, on ``connection`` (which already holds it).

    :meth:`check` does at most one database round trip, when one is due, so it can
    be called often. Thread-safe. ``interval`` is the seconds between checks that the lock
    is still held (``AKHBAR_LOCK_CHECK_INTERVAL``), also the longest wait between attempts
    to take it again.
    """

    def __init__(
        self,
        engine: Engine,
        connection: Connection,
        outlet_id: int,
        run_id: int,
        interval: float,
    ) -> None:
        self.engine = engine
        self.outlet_id = outlet_id
        self.run_id = run_id
        self.interval = interval
        self.state = HELD
        self._connection: Connection | None = connection
        self._delay = FIRST_RETRY
        self._due = time.monotonic() + interval
        self._lock = threading.Lock()

    def check(self, now: bool = False) -> str:
        """The lock's state after checking it, if a check is due (or ``now``)."""
        with self._lock:
            if self.state == TAKEN or (not now and time.monotonic() < self._due):
                return self.state
            if self.state == HELD:
                self._verify()
            else:
                self._retake()
            return self.state

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection to record the run on: the lock's while held, else a new one."""
        with self._lock:
            if self.state == HELD and self._connection is not None:
                yield self._connection
                return
        with self.engine.connect() as connection:
            yield connection

    def release(self) -> None:
        """Give the lock back and stop keeping it."""
        with self._lock:
            if self.state == HELD and self._connection is not None:
                # Explicitly: a closed connection goes back to the pool, its session alive.
                with contextlib.suppress(SQLAlchemyError):
                    runs.unlock_outlet(self._connection, self.outlet_id)
                    self._connection.commit()
            self._drop_connection()
            self.state = TAKEN if self.state == TAKEN else LOST

    def _verify(self) -> None:
        assert self._connection is not None
        try:
            held = runs.holds_outlet_lock(self._connection, self.outlet_id)
            self._connection.rollback()  # never sit idle in a transaction for a whole crawl
        except SQLAlchemyError as exc:  # any database error: the lock cannot be vouched for
            self._lost(brief(exc))
            return
        if held:
            self._due = time.monotonic() + self.interval
        else:
            self._lost("the session no longer holds it")

    def _lost(self, why: str) -> None:
        logger.warning(
            "lost the outlet's crawl lock (%s): crawling on, spooling what cannot be stored; "
            "taking the lock again when the database answers",
            why,
        )
        self._drop_connection()
        self.state = LOST
        self._delay = FIRST_RETRY
        self._due = time.monotonic() + self._delay

    def _retake(self) -> None:
        try:
            connection = self.engine.connect()
        except SQLAlchemyError as exc:
            self._retry_later(brief(exc))
            return
        try:
            ours = retake_lock(connection, self.outlet_id, self.run_id)
        except SQLAlchemyError as exc:
            connection.close()
            self._retry_later(brief(exc))
            return
        if not ours:
            connection.close()
            self.state = TAKEN
            logger.error("%s: stopping crawl run %s", LOCK_TAKEN, self.run_id)
            return
        self._connection = connection
        self.state = HELD
        self._due = time.monotonic() + self.interval
        logger.info("database back: crawl lock taken again by run %s", self.run_id)

    def _retry_later(self, why: str) -> None:
        logger.info("database still unavailable (%s); next try in %.0fs", why, self._delay)
        self._due = time.monotonic() + self._delay
        self._delay = min(self._delay * 2, self.interval)

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                connection.close()


def retake_lock(connection: Connection, outlet_id: int, run_id: int) -> bool:
    """Take the outlet's lock again for run ``run_id`` after losing it; False if taken.

    A crawl that started meanwhile either holds the lock still or, having held it,
    recorded this run ``interrupted``: either way the outlet was crawled by another,
    and this crawl must not carry on. Commits on success.
    """
    if not runs.try_lock_outlet(connection, outlet_id):
        connection.rollback()
        return False
    status = connection.execute(
        select(CrawlRun.status).where(CrawlRun.id == run_id)
    ).scalar_one_or_none()
    if status != "running":
        runs.unlock_outlet(connection, outlet_id)
        connection.commit()
        return False
    connection.commit()
    return True
