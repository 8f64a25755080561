"""Keeping what was fetched: every article response goes to a WARC file before its article row.

:class:`CaptureMiddleware` sees each response together with the article the spider
read from it. It sends the response to the crawl's writer process (:mod:`crawler.writer`),
which writes its records (request, response or revisit, metadata) before anything sent
later, and lets the article go on to the pipelines without waiting;
:class:`~crawler.pipelines.StoragePipeline` takes the capture's place
(:meth:`CaptureMiddleware.take`), waits for its write in the storage thread and records
it in ``captures`` in the same transaction as the article. A WARC folder that cannot be
written stops the crawl: its articles are dropped, never stored without their response.

With ``AKHBAR_CAPTURE_DISCOVERY`` on, the discovery documents a crawl reads (robots.txt,
sitemaps, feeds, listing pages: the responses of the spiders' ``parse_robots``,
``parse_sitemap``, ``parse_feed`` and ``parse_listing``) go to the same files, their
metadata record naming the kind (``discovery: sitemap``). They have no ``captures``
row: that table links articles to their responses.

Settings: ``AKHBAR_CAPTURE`` (on), ``AKHBAR_CAPTURE_DISCOVERY`` (off), ``AKHBAR_WARC_DIR``
(empty: ``warc/`` in the data directory), ``AKHBAR_WARC_MAX_SIZE`` (bytes per file, 1 GiB).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.archive import Archive
from crawler.extensions import CrawlRunRecorder
from crawler.items import ArticleItem
from crawler.warc import DEFAULT_MAX_FILE_SIZE, Earlier, Fetch, Written
from crawler.writer import Writer
from db.config import load_config

logger = logging.getLogger(__name__)

DISCOVERY_CALLBACKS = {
    "parse_robots": "robots",
    "parse_sitemap": "sitemap",
    "parse_feed": "feed",
    "parse_listing": "listing",
}
"""The spiders' discovery callbacks, and the kind of document each reads."""


def default_warc_dir(data_dir: Path) -> Path:
    return data_dir / "warc"


def warc_dir(settings: BaseSettings, data_dir: Path | None = None) -> Path:
    """``AKHBAR_WARC_DIR``, else ``warc/`` in the data directory (the configured one unless
    ``data_dir`` is given)."""
    configured = settings.get("AKHBAR_WARC_DIR")
    if configured:
        return Path(configured).expanduser()
    return default_warc_dir(data_dir or load_config().data_dir)


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


@dataclass(frozen=True)
class PendingCapture:
    """An article's response on its way to the WARC files."""

    written: Future[Written]
    run_id: int | None

    def row(self) -> dict[str, Any]:
        """Its ``captures`` row, once written; blocks until then (call it in a thread).
        Raises the write's error when the response could not be kept."""
        return self.written.result().capture_row(self.run_id)


class CaptureMiddleware:
    """Spider middleware writing the response of every article to WARC files."""

    def __init__(
        self,
        crawler: Crawler,
        writer: Writer,
        directory: Path,
        max_size: int = DEFAULT_MAX_FILE_SIZE,
        discovery: bool = False,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        """Writes the files, in the crawl's writer process."""
        self.directory = directory
        self.max_size = max_size
        self.discovery = discovery
        """Whether discovery documents are captured too."""
        self.pending: dict[str, PendingCapture] = {}
        """Fetched URL -> the capture of an article on its way to the pipelines."""
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_CAPTURE", True):
            raise NotConfigured("AKHBAR_CAPTURE is off")
        if not settings.getbool("AKHBAR_STORE", True):
            raise NotConfigured("AKHBAR_STORE is off: nothing is stored, nothing captured")
        writer = crawler.get_extension(Writer)
        if writer is None:
            raise NotConfigured("the Writer extension is off: WARC files cannot be written")
        middleware = cls(
            crawler,
            writer,
            warc_dir(settings),
            settings.getint("AKHBAR_WARC_MAX_SIZE", DEFAULT_MAX_FILE_SIZE),
            settings.getbool("AKHBAR_CAPTURE_DISCOVERY"),
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.item_dropped, signal=signals.item_dropped)
        return middleware

    async def spider_opened(self) -> None:
        last = await maybe_deferred_to_future(deferToThread(self._last_captures))
        # The prefix names the spider; the outlet (generic crawls) is in each metadata record.
        prefix = f"akhbar-{self.crawler.spidercls.name}"
        self.writer.open_warc(self.directory, prefix, self.max_size, last)

    def _last_captures(self) -> dict[str, Earlier]:
        archive = Archive.from_settings(self.crawler.settings)
        try:
            last = archive.last_captures(self.crawler.spider.outlet_name)
        finally:
            archive.close()
        return {url: Earlier(digest, url, fetched_at) for url, (digest, fetched_at) in last.items()}

    def item_dropped(self, item: Any) -> None:
        if isinstance(item, ArticleItem) and item.fetched_url:
            self.pending.pop(item.fetched_url, None)

    def take(self, fetched_url: str | None) -> PendingCapture | None:
        """The capture of the article fetched from ``fetched_url`` (once), for its store."""
        return self.pending.pop(fetched_url, None) if fetched_url else None

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        self._capture_discovery(response)
        async for output in result:
            if not isinstance(output, ArticleItem) or self._capture(response, output):
                yield output

    def _capture(self, response: Response, item: ArticleItem) -> bool:
        """Send the response of ``item`` to be written; False once capture has failed (the
        item is dropped)."""
        if self.failed:
            return False
        run_id = self._run_id()
        hint = self.crawler.spider._hint_for(response)  # the sitemap/feed entry apply_hint used
        extra = {"hint-published": hint.published if hint is not None else None}
        written = self._write(response, run_id, {**extra, "article-url": item.url})
        self.pending[response.url] = PendingCapture(written, run_id)
        return True

    def _capture_discovery(self, response: Response) -> None:
        if self.discovery and not self.failed and (kind := _discovery_kind(response)) is not None:
            self._write(response, self._run_id(), {"discovery": kind})

    def _write(self, response: Response, run_id: int | None, extra: dict[str, Any]) -> Future[Any]:
        """Send ``response`` to the writer process. The item goes on without waiting: the
        process writes it before it stores any batch sent later, which holds its article."""
        written = self.writer.call("write_warc", self._fetch(response, run_id, extra))
        kind = "captures_discovery" if "discovery" in extra else "captures"
        written.add_done_callback(partial(self._written, kind))
        return written

    def _written(self, kind: str, written: Future[Written]) -> None:
        """Count a write, or stop the crawl when it failed (in the writer's thread)."""
        error = written.exception()
        if error is None:
            self.stats.inc_value(f"akhbar/{kind}_{written.result().record_type}")
        elif isinstance(error, OSError):
            from twisted.internet import reactor  # the one Scrapy installed

            reactor.callFromThread(self._stop, error)
        else:
            logger.error("could not write a WARC record: %r", error)

    def _stop(self, error: OSError) -> None:
        if self.failed:
            return
        self.failed = True
        self.stats.inc_value("akhbar/errors/capture_failed")
        logger.critical(
            "cannot write WARC files in %s (%s): stopping the crawl; articles are not "
            "stored without their response",
            self.directory,
            error,
        )
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="capture_failed"))

    def _fetch(self, response: Response, run_id: int | None, extra: dict[str, Any]) -> Fetch:
        spider = self.crawler.spider
        request = response.request
        metadata = {
            "outlet": spider.outlet_name,
            "spider": spider.name,
            "crawl-run": run_id,
            "encoding": response.encoding if isinstance(response, TextResponse) else None,
            **extra,
        }
        return Fetch(
            url=response.url,
            status=response.status,
            headers=_pairs(response.headers),
            body=response.body,
            request_method=request.method if request is not None else "GET",
            request_headers=_pairs(request.headers) if request is not None else [],
            fetched_at=dt.datetime.now(dt.UTC),
            metadata={k: str(v) for k, v in metadata.items() if v is not None},
        )

    def _run_id(self) -> int | None:
        recorder = self.crawler.get_extension(CrawlRunRecorder)
        return recorder.run_id if recorder is not None else None


def _discovery_kind(response: Response) -> str | None:
    """``sitemap``, ``feed``... when ``response`` is read by a discovery callback."""
    request = response.request
    callback = getattr(request, "callback", None) if request is not None else None
    return DISCOVERY_CALLBACKS.get(getattr(callback, "__name__", ""))
