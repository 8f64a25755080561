"""Recording a crawl in ``crawl_runs`` from inside the crawl process.

When Akhbar starts the crawl (``akhbar crawl``, the daemon), the parent process
holds the outlet's lock, creates the run row and passes its id as
``AKHBAR_CRAWL_RUN_ID``; this extension then only writes the counts. When a user
runs ``scrapy crawl NAME`` directly, the extension does it all: takes the lock,
creates the row, and finishes it.

Either way the crawl's status follows :func:`crawl_status`, and a run that
counted errors or failed keeps its log tail (:class:`CrawlLog`): the first
error's traceback and the last lines.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import Connection
from twisted.internet.threads import deferToThread

from crawler.archive import Archive
from crawler.failures import ERROR_PREFIX, lost_articles
from crawler.health import health_columns
from crawler.lock_keeper import LOCK_TAKEN, TAKEN, LockKeeper
from crawler.lock_watch import LockWatch
from db import runs
from db.config import load_config
from db.errors import brief, is_connection_error

logger = logging.getLogger(__name__)


LOG_TAIL_LINES = 40
KEPT_ARTICLE_STATS = (
    "akhbar/articles_new",
    "akhbar/articles_updated",
    "akhbar/articles_unchanged",
    "akhbar/articles_spooled",  # kept for the database's return, not lost
)


def errors_by_reason(stats: Mapping[str, Any]) -> dict[str, int]:
    return {k[len(ERROR_PREFIX) :]: int(v) for k, v in stats.items() if k.startswith(ERROR_PREFIX)}


def run_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The ``crawl_runs`` columns for a crawl's Scrapy stats."""
    errors = errors_by_reason(stats)
    return {
        "pages_crawled": int(stats.get("response_received_count", 0)),
        "articles_new": int(stats.get("akhbar/articles_new", 0)),
        "articles_updated": int(stats.get("akhbar/articles_updated", 0)),
        "articles_unchanged": int(stats.get("akhbar/articles_unchanged", 0)),
        "errors": int(sum(errors.values())),
        "error_summary": "\n".join(f"{k}: {v}" for k, v in sorted(errors.items())) or None,
        "stats": {k: _jsonable(v) for k, v in stats.items()},
        **health_columns(stats),
    }


def crawl_status(stats: Mapping[str, Any], degraded_reason: str | None = None) -> str:
    """How a crawl that ended by itself went, from its stats (with ``finish_reason``).

    ``failed`` when it did not run to its end, reached no page of the site, or
    fetched article pages and kept no article at all (:func:`lost_articles` > 0,
    nothing new, updated, unchanged or spooled); else ``degraded`` when its health
    fell far below its outlet's usual (``degraded_reason``, see ``crawler.health``);
    else ``succeeded``.
    """
    if stats.get("finish_reason") != "finished" or not stats.get("response_received_count"):
        return "failed"
    kept = sum(int(stats.get(key, 0)) for key in KEPT_ARTICLE_STATS)
    if kept == 0 and lost_articles(errors_by_reason(stats)) > 0:
        return "failed"
    return "degraded" if degraded_reason else "succeeded"


def is_scrapy_parse(crawler: Crawler) -> bool:
    """Whether the crawler runs ``scrapy parse``, which has no setting of its own to tell:
    the command replaces the spider class's ``start`` with a function of its module."""
    start = getattr(crawler.spidercls, "start", None)
    return getattr(start, "__module__", None) == "scrapy.commands.parse"


def _level(value: int | str) -> int:
    """A LOG_LEVEL setting (``"INFO"`` or 20) as a number."""
    return value if isinstance(value, int) else logging.getLevelNamesMapping()[value.upper()]


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool | type(None)) else str(value)


class CrawlLog(logging.Handler):
    """What ``crawl_runs.log_tail`` keeps of a crawl's log: its first error and its last lines.

    The first error with a traceback usually explains all the others (a broken
    dependency fails every page alike), and by the end of a crawl it has long
    scrolled out of the last lines.
    """

    def __init__(self, level: int | str, formatter: logging.Formatter, lines: int) -> None:
        super().__init__(level)
        self.setFormatter(formatter)
        self.first_error: str | None = None
        self.last: deque[str] = deque(maxlen=lines)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:
            self.handleError(record)
            return
        if self.first_error is None and record.levelno >= logging.ERROR and record.exc_info:
            self.first_error = text
        self.last.extend(text.splitlines())

    def tail(self) -> str:
        last = "\n".join(self.last)
        if self.first_error is None or self.first_error in last:
            return last
        return f"{self.first_error}\n[...]\n{last}"


class CrawlRunRecorder:
    def __init__(self, crawler: Crawler, run_id: int | None) -> None:
        self.crawler = crawler
        self.run_id = run_id
        self.owns_run = run_id is None
        self.archive: Archive | None = None
        self.lock_connection: Connection | None = None
        self.keeper: LockKeeper | None = None
        """Holds the lock through database outages, once the run began (takes the connection)."""
        self.watch: LockWatch | None = None
        self.outlet_id: int | None = None
        settings = crawler.settings
        # What the terminal shows, at least INFO: debug lines would crowd out the rest.
        level = max(logging.INFO, _level(settings.get("LOG_LEVEL", "INFO")))
        formatter = logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
        self.log = CrawlLog(level, formatter, LOG_TAIL_LINES)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        if not crawler.settings.getbool("AKHBAR_STORE"):
            raise NotConfigured("AKHBAR_STORE is off")
        if is_scrapy_parse(crawler):
            raise NotConfigured("scrapy parse reads pages; it is no crawl of the outlet")
        run_id = crawler.settings.get("AKHBAR_CRAWL_RUN_ID")
        recorder = cls(crawler, int(run_id) if run_id else None)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        logging.getLogger().addHandler(recorder.log)
        return recorder

    async def spider_opened(self, spider: Spider) -> None:
        try:
            await maybe_deferred_to_future(deferToThread(self._open, spider))
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            # Crawl anyway: StoragePipeline spools the articles; only this record is lost.
            logger.warning(
                "database unavailable (%s): this crawl is not recorded in crawl_runs", brief(exc)
            )
            return
        if self.owns_run and self.run_id is None:
            logger.error(
                "another crawl of %s is running; not starting a second one", spider.outlet_name
            )
            await self.crawler.engine.close_spider_async(reason="locked")
        elif self.keeper is not None:
            self.watch = LockWatch(self.crawler, self.keeper).start()

    def _open(self, spider: Spider) -> None:
        self.archive = Archive.from_settings(self.crawler.settings)
        if not self.owns_run:
            return
        self.outlet_id = self.archive.register_outlet(spider.outlet_name, spider.outlet)
        self.lock_connection = self.archive.engine.connect()
        settings = self.crawler.settings
        # A scrapyd node runs the crawl for the daemon: it says why and where (scheduler.runners).
        self.run_id = runs.begin_locked_run(
            self.lock_connection,
            self.outlet_id,
            spider.outlet_name,
            settings.get("AKHBAR_CRAWL_TRIGGER") or "manual",
            os.getpid(),
            node=settings.get("AKHBAR_CRAWL_NODE") or None,
            scrapyd_job=settings.get("AKHBAR_SCRAPYD_JOB") or None,
        )
        self.lock_connection.commit()
        if self.run_id is not None:
            # A database failover interrupts nothing: the keeper takes the lock again after it.
            self.keeper = LockKeeper(
                self.archive.engine,
                self.lock_connection,
                self.outlet_id,
                self.run_id,
                settings.getfloat("AKHBAR_LOCK_CHECK_INTERVAL"),
            )
            self.lock_connection = None

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.watch is not None:
            self.watch.stop()
        await maybe_deferred_to_future(deferToThread(self._close, reason))

    def _close(self, reason: str) -> None:
        assert self.archive is not None
        logging.getLogger().removeHandler(self.log)
        try:
            if self.run_id is None:
                return
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            counts = run_counts(stats)
            status = crawl_status(stats)
            if status == "succeeded":
                counts["degraded_reason"] = self._degraded_reason(counts)
                status = crawl_status(stats, counts["degraded_reason"])
            if counts["errors"] or status != "succeeded":
                counts["log_tail"] = self.log.tail()
            self.archive.record_counts(self.run_id, counts)
            if self.keeper is not None:
                self._finish_run(self.keeper, status)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            # A crawl ending in an outage has spooled its articles; do not crash over its record.
            logger.error(
                "database unavailable (%s): crawl run %s not (fully) recorded in crawl_runs",
                brief(exc),
                self.run_id,
            )
        finally:
            if self.lock_connection is not None:
                self.lock_connection.close()  # closing the session releases the lock
            if self.keeper is not None:
                self.keeper.release()
            self.archive.close()

    def _finish_run(self, keeper: LockKeeper, status: str) -> None:
        """Record the run's end: on the lock's session, or a new one after an outage.

        Checked first: a crawl whose lock another took during an outage is ``interrupted``.
        """
        assert self.run_id is not None
        summary = None
        if keeper.check(now=True) == TAKEN:
            status, summary = "interrupted", LOCK_TAKEN
        with keeper.connection() as connection:
            runs.finish_run(connection, self.run_id, status, error_summary=summary)
            connection.commit()

    def _degraded_reason(self, counts: Mapping[str, Any]) -> str | None:
        """Why this crawl is degraded (reasons joined by "; "), None when it is not."""
        assert self.archive is not None
        outlet = self.crawler.spider.outlet_name
        reasons = self.archive.degraded_reasons(outlet, counts, load_config().health)
        if reasons:
            logger.warning("extraction of %s degraded: %s", outlet, "; ".join(reasons))
        return "; ".join(reasons) or None
