"""Keeping what was fetched: every article response goes to a WARC file before its article row.

:class:`CaptureMiddleware` sees each response together with the article the spider
read from it. It writes the response (request, response or revisit, metadata
records) in the crawl's writer process (:mod:`crawler.writer`), and only then lets the
article go on to the pipelines;
:class:`~crawler.pipelines.StoragePipeline` takes the capture's place
(:meth:`CaptureMiddleware.take`) and records it in ``captures`` in the same
transaction as the article. A WARC folder that cannot be written stops the
crawl: its articles are dropped, never stored without their response.

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
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
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
        self.last: dict[str, Earlier] = {}
        """Fetched URL -> its last capture, for revisit records."""
        self.pending: dict[str, dict[str, Any]] = {}
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
        # The prefix names the spider; the outlet (generic crawls) is in each metadata record.
        prefix = f"akhbar-{self.crawler.spidercls.name}"
        self.writer.open_warc(self.directory, prefix, self.max_size)
        self.last = await maybe_deferred_to_future(deferToThread(self._last_captures))

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

    def take(self, fetched_url: str | None) -> dict[str, Any] | None:
        """The capture of the article fetched from ``fetched_url`` (once), for its store."""
        return self.pending.pop(fetched_url, None) if fetched_url else None

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        if self.discovery and (kind := _discovery_kind(response)) is not None:
            await self._capture_discovery(response, kind)
        async for output in result:
            if isinstance(output, ArticleItem) and not await self._capture(response, output):
                continue
            yield output

    async def _capture(self, response: Response, item: ArticleItem) -> bool:
        """Write the response of ``item``; False when it cannot be kept (the item is dropped)."""
        run_id = self._run_id()
        hint = self.crawler.spider._hint_for(response)  # the sitemap/feed entry apply_hint used
        extra = {"hint-published": hint.published if hint is not None else None}
        written = await self._write(response, run_id, {**extra, "article-url": item.url})
        if written is None:
            return False
        self.pending[response.url] = written.capture_row(run_id)
        return True

    async def _capture_discovery(self, response: Response, kind: str) -> None:
        await self._write(response, self._run_id(), {"discovery": kind})

    async def _write(
        self, response: Response, run_id: int | None, extra: dict[str, Any]
    ) -> Written | None:
        """Write ``response`` (in a thread); None when it cannot be written, which stops the
        crawl."""
        if self.failed:
            return None
        fetch = self._fetch(response, run_id, extra)
        try:
            written = await self.writer.write_warc(fetch, self.last.get(response.url))
        except OSError as exc:
            self.failed = True
            self.stats.inc_value("akhbar/errors/capture_failed")
            logger.critical(
                "cannot write WARC files in %s (%s): stopping the crawl; articles are not "
                "stored without their response",
                self.directory,
                exc,
            )
            await self.crawler.engine.close_spider_async(reason="capture_failed")
            return None
        self.last[response.url] = Earlier(written.digest, written.url, written.fetched_at)
        kind = "captures_discovery" if "discovery" in extra else "captures"
        self.stats.inc_value(f"akhbar/{kind}_{written.record_type}")
        return written

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
