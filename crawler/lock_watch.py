"""Watching, from inside a crawl, the outlet lock the crawl holds itself (``scrapy crawl``,
scrapyd jobs), so that a database failover interrupts nothing.

Every second the :class:`~crawler.lock_keeper.LockKeeper` gets a turn in a thread
(it touches the database only when a check or an attempt is due). When it takes
the lock again after an outage, the storage pipeline stores what the outage
spooled at once; when another crawl took the lock, the crawl is closed with
reason ``lock_taken`` and its spool left for that crawl's successor or
``akhbar spool replay``.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from crawler.lock_keeper import HELD, LOCK_TAKEN, LOST, TAKEN, LockKeeper

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
CLOSE_REASON = "lock_taken"
lock_retaken = object()
"""Signal: the crawl holds its outlet's lock again after an outage (the pipeline replays)."""


class LockWatch:
    def __init__(self, crawler: Crawler, keeper: LockKeeper) -> None:
        self.crawler = crawler
        self.keeper = keeper
        self._loop = LoopingCall(self._tick)

    def start(self) -> LockWatch:
        self._loop.start(TICK_SECONDS, now=False).addErrback(self._failed)
        return self

    def stop(self) -> None:
        if self._loop.running:
            self._loop.stop()

    def _tick(self) -> Deferred[None]:
        before = self.keeper.state
        checked: Deferred[str] = deferToThread(self.keeper.check)
        return checked.addCallback(self._act, before)

    def _act(self, state: str, before: str) -> Deferred[None] | None:
        if state == HELD and before == LOST:
            return self.crawler.signals.send_catch_log_deferred(lock_retaken)
        if state == TAKEN:
            self.stop()
            logger.error("%s: closing the crawl; its spool is kept for replay", LOCK_TAKEN)
            # Not awaited here: closing the spider stops this loop, which would wait on it.
            deferred_from_coro(
                self.crawler.engine.close_spider_async(reason=CLOSE_REASON)
            ).addErrback(self._failed)
        return None

    def _failed(self, failure: object) -> None:
        logger.error("watching the crawl lock failed: %s", failure)
