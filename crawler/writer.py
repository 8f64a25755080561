"""The crawl's side of its writer process (:mod:`crawler.writer_worker`).

WARC capture and article storage used to run in the crawl's thread pool. Their work is
mostly Python (warcio's records, the search text, SQLAlchemy) and their threads took the
GIL back after every compression, digest and round trip: the reactor thread, which
parses every page, lost it each time. Measured on a 2,000-article crawl of
``benchmarks.site``: 9.1 s with both in threads, 4.5 s with neither. Both now run in one
child process (:mod:`crawler.child_process`), which answers calls in the order they are
made, so a response's WARC records are always written before the batch that stores its
article.

:class:`Writer` is the Scrapy extension that starts the process with the crawl and ends
it when the spider closes; :class:`~crawler.capture.CaptureMiddleware` and
:class:`~crawler.pipelines.StoragePipeline` call it.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.child_process import ChildProcess
from crawler.crawl_config import crawl_config
from crawler.warc import Earlier
from db.articles import StoreResult
from db.engine import ensure_database_url

logger = logging.getLogger(__name__)


class Writer:
    """Scrapy extension: the crawl's writer process.

    The process starts with the extension, before the spider opens, rather than at the first
    article: its start-up (~0.4 s of CPU, mostly importing SQLAlchemy and psycopg) then
    overlaps the crawl's own instead of competing with the first pages for the cores.

    ``AKHBAR_STORE`` off: nothing is written, so no process (``NotConfigured``).
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._process: ChildProcess | None = None
        self._starting = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Writer:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_STORE"):
            raise NotConfigured("AKHBAR_STORE is off")
        writer = cls(ensure_database_url(crawl_config(settings)))
        crawler.signals.connect(writer.spider_closed, signal=signals.spider_closed)
        writer.process()
        return writer

    def process(self) -> ChildProcess:
        """The writer process, started if it is not running."""
        with self._starting:
            if self._process is None:
                self._process = ChildProcess("crawler.writer_worker", self.database_url)
            return self._process

    def call(self, name: str, *args: Any) -> Future[Any]:
        return self.process().call(name, *args)

    def open_warc(
        self, directory: Path, prefix: str, max_size: int, last: dict[str, Earlier]
    ) -> None:
        """Where ``write_warc`` calls write (:class:`crawler.warc.WarcFiles`' arguments), and
        the last capture of each URL (for revisit records)."""
        self.call("open_warc", directory, prefix, max_size, last)

    def store(self, rows: list[dict[str, Any]], fetches: list[dict[str, Any]]) -> StoreResult:
        """Articles and their captures stored in one transaction; blocks (call it in a thread)."""
        return self.call("store", rows, fetches).result()

    async def spider_closed(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            status = await maybe_deferred_to_future(deferToThread(process.close))
            if status:
                logger.error("the writer process ended with exit status %s", status)
