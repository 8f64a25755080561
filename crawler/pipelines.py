"""Item pipelines: validate -> normalize -> dedupe -> store.

Pipelines only normalize and store; outlet quirks live in the outlet's spider
module. Storage is batched and runs in a thread so the reactor never waits on
PostgreSQL, and a database outage loses nothing: see :class:`StoragePipeline`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from crawler.archive import Archive, outlet_row, spool_dir
from crawler.capture import CaptureMiddleware
from crawler.extensions import CrawlRunRecorder
from crawler.language import detect_language
from crawler.lock_keeper import HELD, TAKEN, LockKeeper
from crawler.lock_watch import lock_retaken
from crawler.row_derived import with_derived
from crawler.rows import article_fields
from crawler.text import clean_text
from crawler.urls import normalize_url
from crawler.writer import Writer
from db import spool
from db.articles import StoreResult
from db.errors import brief, is_connection_error

logger = logging.getLogger(__name__)

OUTAGE_POLL = 1.0


class ValidationPipeline:
    """Reject items that cannot be archived, counting each reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for field in ("url", "outlet", "title", "body"):
            value = adapter.get(field)
            if not isinstance(value, str) or not value.strip():
                self.stats.inc_value(f"akhbar/errors/item_missing_{field}")
                raise DropItem(f"no {field}: {adapter.get('url') or adapter.get('fetched_url')}")
        for field in ("published_at", "modified_at"):
            value = adapter.get(field)
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                self.stats.inc_value(f"akhbar/errors/item_naive_{field}")
                raise DropItem(f"{field} is not timezone-aware: {adapter['url']}")
        return item


class NormalizationPipeline:
    """Canonical URL, NFC text, UTC times, language, word count and content hash."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        adapter["url"] = normalize_url(adapter["url"])
        adapter["title"] = clean_text(adapter["title"])
        for field in ("subtitle", "section", "dateline"):
            if adapter.get(field):
                adapter[field] = clean_text(adapter[field]) or None
        adapter["body"] = "\n\n".join(
            paragraph
            for paragraph in (clean_text(p) for p in adapter["body"].split("\n\n"))
            if paragraph
        )
        for field in ("authors", "tags"):
            values = [clean_text(v) for v in adapter.get(field) or []]
            adapter[field] = list(dict.fromkeys(v for v in values if v))
        for field in ("published_at", "modified_at"):
            if adapter.get(field) is not None:
                adapter[field] = adapter[field].astimezone(UTC)
        if not adapter.get("language"):
            adapter["language"] = detect_language(adapter["body"])
        return item


class DedupePipeline:
    """Drop a second item for a canonical URL already seen in this crawl (print pages, short
    links and tracking variants that resolve to the same article)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item)["url"]
        if url in self.seen:
            self.stats.inc_value("akhbar/items_duplicate")
            raise DropItem(f"already archived in this crawl: {url}")
        self.seen.add(url)
        return item


class StoragePipeline:
    """Batched, idempotent upserts into PostgreSQL, off the reactor thread.

    Nothing is lost when the database goes away: a batch that fails on a
    connection error is retried with back-off (``AKHBAR_STORE_RETRIES``,
    ``AKHBAR_STORE_RETRY_BACKOFF``), then appended to a spool file in
    ``AKHBAR_SPOOL_DIR`` (:mod:`db.spool`); a batch the database refuses (a data
    error) is stored row by row and the refused rows are spooled too. The next
    crawl that reaches the database replays the spool before crawling, as does
    ``akhbar spool replay``.

    What an outage spooled is stored by the crawl itself as soon as the database
    takes a batch again (:meth:`resume`) and, at the latest, when the crawl ends,
    waiting up to ``AKHBAR_OUTAGE_WAIT`` seconds for the database if the crawl
    ended by itself. A crawl that holds its outlet's lock itself (``scrapy crawl``,
    scrapyd) does so only once the lock is its own again (:mod:`crawler.lock_keeper`).
    """

    def __init__(
        self, crawler: Crawler, batch_size: int, spool_dir: Path, outage_wait: float
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.batch: list[dict[str, Any]] = []
        self.archive: Archive | None = None
        self.outlet: dict[str, Any] = {}
        self.outlet_id: int | None = None
        self.spool_dir = spool_dir
        self.spool: spool.SpoolWriter | None = None
        self.capture: CaptureMiddleware | None = None
        self.writer: Writer | None = None
        self.database_down = False
        """Set when a store gave up on the database: the next batches try once instead of
        waiting out the whole back-off each, until one gets through."""
        self.outage_spooled = False
        """Set while this crawl's spool file holds articles an outage kept out."""
        self.outage_wait = outage_wait
        self._resuming = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_STORE"):
            raise NotConfigured("AKHBAR_STORE is off")
        pipeline = cls(
            crawler,
            settings.getint("AKHBAR_STORE_BATCH_SIZE"),
            spool_dir(settings),
            settings.getfloat("AKHBAR_OUTAGE_WAIT"),
        )
        crawler.signals.connect(pipeline.lock_retaken, signal=lock_retaken)
        return pipeline

    async def open_spider(self) -> None:
        await maybe_deferred_to_future(deferToThread(self._open, self.crawler.spider))

    def _open(self, spider: Spider) -> None:
        self.archive = archive = Archive.from_settings(self.crawler.settings)
        self.outlet = outlet_row(spider.outlet_name, spider.outlet)
        self.spool = spool.SpoolWriter(self.spool_dir, spider.outlet_name)
        self.capture = self.crawler.get_spider_middleware(CaptureMiddleware)
        self.writer = self.crawler.get_extension(Writer)
        try:
            self.outlet_id = archive.retrying(partial(archive.upsert_outlet, self.outlet))
            # Before crawling, so that articles an earlier crawl spooled count as archived.
            replayed = spool.replay(archive.engine, self.spool_dir)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            self.database_down = True
            logger.warning(
                "database unavailable at the start of the crawl (%s): crawling anyway, "
                "articles go to the spool in %s",
                brief(exc),
                self.spool_dir,
            )
            return
        if replayed.articles or replayed.damaged or replayed.kept:
            logger.info("spool replayed: %s", replayed.summary())
        self.stats.inc_value("akhbar/articles_replayed", replayed.articles)
        if replayed.damaged:
            self.stats.inc_value("akhbar/errors/spool_damaged_line", len(replayed.damaged))

    async def process_item(self, item: Any) -> Any:
        # Its content hash and word count are computed by the writer process, off this thread.
        row = article_fields(item)
        if self.capture is not None:
            row["capture"] = self.capture.take(row["fetched_url"])
        self.batch.append(row)
        if len(self.batch) >= self.batch_size:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        try:
            await self._flush()
            await maybe_deferred_to_future(deferToThread(self._finish_spool))
        finally:
            if self.spool is not None:
                self.spool.close()
            if self.archive is not None:
                self.archive.close()

    async def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            await maybe_deferred_to_future(deferToThread(self._store, batch))

    def _store(self, batch: list[dict[str, Any]]) -> None:
        """Store a batch, or spool what cannot be stored; never raises for the database."""
        batch = self._with_captures(batch)
        try:
            self._count(self._write_retrying(batch))
        except Exception as exc:
            if is_connection_error(exc):
                self._database_lost(batch, exc)
            else:
                logger.warning(
                    "the database refused a batch of %d articles (%s); storing them one by one",
                    len(batch),
                    brief(exc),
                )
                self._store_each(batch)
        if self.outage_spooled and not self.database_down and self._lock_is_ours():
            self.resume()

    def _with_captures(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The batch with each article's ``captures`` row, once its response is written;
        without the articles whose response could not be (never stored without it)."""
        kept = []
        for row in batch:
            pending = row.get("capture")
            if pending is not None:
                try:
                    row["capture"] = pending.row()
                except Exception as exc:
                    logger.error("%s not stored: its response was not kept (%s)", row["url"], exc)
                    self.stats.inc_value("akhbar/errors/article_without_capture")
                    continue
            kept.append(row)
        return kept

    def _store_each(self, batch: list[dict[str, Any]]) -> None:
        for index, row in enumerate(batch):
            try:
                self._count(self._write_retrying([row]))
            except Exception as exc:
                if is_connection_error(exc):
                    self._database_lost(batch[index:], exc)
                    return
                logger.error("the database refused %s: %s", row["url"], brief(exc))
                self.stats.inc_value("akhbar/errors/store_failed")
                self._spool([row], f"the database refused it ({brief(exc)})")

    def _write_retrying(self, rows: list[dict[str, Any]]) -> StoreResult:
        assert self.archive is not None
        result = self.archive.retrying(
            partial(self._write, rows), attempts=1 if self.database_down else None
        )
        if self.database_down:
            logger.info("database reachable again: storing articles again")
            self.database_down = False
        return result

    def _write(self, rows: list[dict[str, Any]]) -> StoreResult:
        assert self.archive is not None and self.writer is not None
        if self.outlet_id is None:  # the database was down when the crawl opened
            self.outlet_id = self.archive.upsert_outlet(self.outlet)
        fetches = [
            {**row["capture"], "outlet_id": self.outlet_id, "article_url": row["url"]}
            for row in rows
            if row.get("capture")
        ]
        return self.writer.store([{**row, "outlet_id": self.outlet_id} for row in rows], fetches)

    def _database_lost(self, rows: list[dict[str, Any]], exc: Exception) -> None:
        self.database_down = True
        self.stats.inc_value("akhbar/errors/database_unavailable", len(rows))
        self._spool(rows, f"database unavailable ({brief(exc)})")
        self.outage_spooled = True  # after the write: a replay under way cannot clear it early

    def resume(self) -> None:
        """Store what the outage spooled, the database answering again; thread-safe.

        Only this crawl's own file: the others belong to running crawls (locked) or
        to the next crawl's replay. A connection error leaves the file for later.
        """
        assert self.archive is not None and self.spool is not None
        with self._resuming:
            if not self.outage_spooled:
                return
            self.outage_spooled = False
            self.spool.close()  # releases the file's flock, so that replay can take it
            try:
                replayed = spool.replay_file(self.archive.engine, self.spool.path)
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                self.outage_spooled = self.database_down = True
                logger.info("database unavailable (%s): spool kept for later", brief(exc))
                return
            if replayed.busy:  # a store spooled again meanwhile: its writer took the file
                self.outage_spooled = True
            self.database_down = False
        logger.info("database back: this crawl's spool stored: %s", replayed.summary())
        self.stats.inc_value("akhbar/articles_replayed", replayed.articles)
        self.stats.inc_value("akhbar/articles_new", replayed.new)
        self.stats.inc_value("akhbar/articles_updated", replayed.updated)
        self.stats.inc_value("akhbar/articles_unchanged", replayed.unchanged)

    def _finish_spool(self) -> None:
        """Store what the outage spooled before the crawl ends, if the database is back.

        A crawl that ended by itself waits ``outage_wait`` seconds for it (a failover
        takes up to a minute); one being stopped does not, having a grace to keep.
        """
        wait = self.outage_wait if self.crawler.crawling else 0.0
        deadline = time.monotonic() + wait
        while self.outage_spooled:
            keeper = self._lock_keeper()
            if keeper is not None and keeper.check() == TAKEN:
                return
            if keeper is None or keeper.state == HELD:
                self.resume()
            if not self.outage_spooled or time.monotonic() >= deadline:
                break
            time.sleep(OUTAGE_POLL)
        if self.outage_spooled:
            logger.warning(
                "database still unavailable: %s left for the next crawl or `akhbar spool replay`",
                self.spool.path if self.spool is not None else self.spool_dir,
            )

    def lock_retaken(self) -> Deferred[None]:
        return deferToThread(self.resume)

    def _lock_keeper(self) -> LockKeeper | None:
        """The keeper of the outlet's lock when this crawl process holds the lock itself
        (``scrapy crawl``, scrapyd); None when the parent process holds it (``akhbar``)."""
        recorder = self.crawler.get_extension(CrawlRunRecorder)
        return None if recorder is None else recorder.keeper

    def _lock_is_ours(self) -> bool:
        """Whether storing the spool may go ahead: the lock is held, or held by our parent."""
        keeper = self._lock_keeper()
        return keeper is None or keeper.state == HELD

    def _spool(self, rows: list[dict[str, Any]], reason: str) -> None:
        assert self.spool is not None
        try:
            path = self.spool.write(self.outlet, [with_derived(row) for row in rows])
        except (OSError, TypeError) as exc:  # disk full, no permission; a value JSON cannot hold
            self.stats.inc_value("akhbar/errors/spool_failed", len(rows))
            logger.critical(
                "%s, and the spool in %s cannot be written (%s): %d articles lost: %s",
                reason,
                self.spool_dir,
                exc,
                len(rows),
                " ".join(row["url"] for row in rows),
            )
            return
        self.stats.inc_value("akhbar/articles_spooled", len(rows))
        logger.warning(
            "%s: %d articles spooled to %s; the next crawl or `akhbar spool replay` stores them",
            reason,
            len(rows),
            path,
        )

    def _count(self, result: StoreResult) -> None:
        self.stats.inc_value("akhbar/articles_new", len(result.new))
        self.stats.inc_value("akhbar/articles_updated", len(result.updated))
        self.stats.inc_value("akhbar/articles_unchanged", len(result.unchanged))
        for url in result.updated:
            logger.info("article changed, previous version kept: %s", url)
