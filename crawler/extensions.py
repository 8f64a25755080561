"""Recording a crawl in ``crawl_runs`` from inside the crawl process.

When Akhbar starts the crawl (``akhbar crawl``, the daemon), the parent process
holds the outlet's lock, creates the run row and passes its id as
``AKHBAR_CRAWL_RUN_ID``; this extension then only writes the counts. When a user
runs ``scrapy crawl NAME`` directly, the extension does it all: takes the lock,
creates the row, and finishes it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import Connection
from twisted.internet.threads import deferToThread

from crawler.archive import Archive
from crawler.failures import ERROR_PREFIX
from db import runs
from db.errors import brief, is_connection_error

logger = logging.getLogger(__name__)


def run_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The ``crawl_runs`` columns for a crawl's Scrapy stats."""
    errors = {k[len(ERROR_PREFIX) :]: v for k, v in stats.items() if k.startswith(ERROR_PREFIX)}
    return {
        "pages_crawled": int(stats.get("response_received_count", 0)),
        "articles_new": int(stats.get("akhbar/articles_new", 0)),
        "articles_updated": int(stats.get("akhbar/articles_updated", 0)),
        "articles_unchanged": int(stats.get("akhbar/articles_unchanged", 0)),
        "errors": int(sum(errors.values())),
        "error_summary": "\n".join(f"{k}: {v}" for k, v in sorted(errors.items())) or None,
        "stats": {k: _jsonable(v) for k, v in stats.items()},
    }


def crawl_status(finish_reason: str | None, pages_crawled: int) -> str:
    """``succeeded`` when the crawl ran to its end and reached the site at all."""
    return "succeeded" if finish_reason == "finished" and pages_crawled > 0 else "failed"


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool | type(None)) else str(value)


class CrawlRunRecorder:
    def __init__(self, crawler: Crawler, run_id: int | None) -> None:
        self.crawler = crawler
        self.run_id = run_id
        self.owns_run = run_id is None
        self.archive: Archive | None = None
        self.lock_connection: Connection | None = None
        self.outlet_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        if not crawler.settings.getbool("AKHBAR_STORE", True):
            raise NotConfigured("AKHBAR_STORE is off")
        run_id = crawler.settings.get("AKHBAR_CRAWL_RUN_ID")
        recorder = cls(crawler, int(run_id) if run_id else None)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
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

    def _open(self, spider: Spider) -> None:
        self.archive = Archive.from_settings(self.crawler.settings)
        if not self.owns_run:
            return
        self.outlet_id = self.archive.register_outlet(spider.outlet_name, spider.outlet)
        self.lock_connection = self.archive.engine.connect()
        self.run_id = runs.begin_locked_run(
            self.lock_connection, self.outlet_id, spider.outlet_name, "manual", os.getpid()
        )
        self.lock_connection.commit()

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        await maybe_deferred_to_future(deferToThread(self._close, reason))

    def _close(self, reason: str) -> None:
        assert self.archive is not None
        try:
            if self.run_id is None:
                return
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            counts = run_counts(stats)
            self.archive.record_counts(self.run_id, counts)
            if self.owns_run and self.lock_connection is not None:
                runs.finish_run(
                    self.lock_connection,
                    self.run_id,
                    crawl_status(reason, counts["pages_crawled"]),
                )
                self.lock_connection.commit()
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
            self.archive.close()
