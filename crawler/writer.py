"""The crawl's side of its writer process (:mod:`crawler.writer_worker`).

WARC capture and article storage used to run in the crawl's thread pool. Their work is
mostly Python (warcio's records, the search text, SQLAlchemy) and their threads took the
GIL back after every compression, digest and round trip: the reactor thread, which
parses every page, lost it each time. Measured on a 2,000-article crawl of
``benchmarks.site``: 9.1 s with both in threads, 4.5 s with neither. Both now run in one
child process, which answers calls in the order they are made, so a response's WARC
records are always written before the batch that stores its article.

:class:`WriterProcess` sends calls from a thread of its own and reads answers in
another; both wait in system calls, without the GIL, and take it once a call.
:class:`Writer` is the Scrapy extension that starts the process on first use and ends
it when the spider closes; :class:`~crawler.capture.CaptureMiddleware` and
:class:`~crawler.pipelines.StoragePipeline` call it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.crawl_config import crawl_config
from crawler.warc import Earlier
from crawler.writer_worker import frame, read_frame
from db.articles import StoreResult
from db.engine import ensure_database_url

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT = 60.0
"""Seconds the process is given to finish its calls once the crawl closes."""


class WriterGone(OSError):
    """The writer process ended: nothing more can be written in this crawl."""


class WriterProcess:
    """A running writer process; :meth:`call` is safe from any thread."""

    def __init__(self, database_url: str) -> None:
        # The crawl's own path: under scrapyd, the project's code is in an egg on it.
        path = os.pathsep.join(entry for entry in sys.path if entry)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "crawler.writer_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._pending: dict[int, Future[Any]] = {}
        self._lock = threading.Lock()
        self._next_id = 0
        self._gone: str | None = None
        self._outbox.put(_frame(database_url))
        self._threads = [
            threading.Thread(target=self._send, name="akhbar-writer-send", daemon=True),
            threading.Thread(target=self._receive, name="akhbar-writer-receive", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def call(self, name: str, *args: Any) -> Future[Any]:
        """Run ``name(*args)`` in the process; the future holds its result or exception."""
        future: Future[Any] = Future()
        with self._lock:
            if self._gone is not None:
                future.set_exception(WriterGone(self._gone))
                return future
            self._next_id += 1
            self._pending[self._next_id] = future
            # Queued under the lock: the process runs calls in the order they were made.
            self._outbox.put(_frame((self._next_id, name, args)))
        return future

    def close(self, timeout: float = CLOSE_TIMEOUT) -> int | None:
        """Let the process finish what it was sent, then end; its exit status (None if it
        had to be killed)."""
        self._outbox.put(None)
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.error("the writer process did not end within %.0fs: killed", timeout)
            self._process.kill()
            self._process.wait()
            return None
        finally:
            for thread in self._threads:
                thread.join(timeout=5)

    def _send(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (data := self._outbox.get()) is not None:
                stdin.write(data)
                stdin.flush()
        except OSError as exc:  # the process died: the receiver fails what is pending
            logger.debug("writer process stdin closed: %s", exc)
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _receive(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while (payload := read_frame(stdout)) is not None:
            call_id, ok, value = pickle.loads(payload)
            with self._lock:
                future = self._pending.pop(call_id)
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        stdout.close()
        status = self._process.wait()
        with self._lock:
            self._gone = f"the writer process ended (exit status {status})"
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(WriterGone(self._gone))


def _frame(value: Any) -> bytes:
    return frame(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Writer:
    """Scrapy extension: the crawl's writer process, started when first called.

    ``AKHBAR_STORE`` off: nothing is written, so no process (``NotConfigured``).
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._process: WriterProcess | None = None
        self._starting = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Writer:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_STORE"):
            raise NotConfigured("AKHBAR_STORE is off")
        writer = cls(ensure_database_url(crawl_config(settings)))
        crawler.signals.connect(writer.spider_closed, signal=signals.spider_closed)
        return writer

    def call(self, name: str, *args: Any) -> Future[Any]:
        with self._starting:
            if self._process is None:
                self._process = WriterProcess(self.database_url)
        return self._process.call(name, *args)

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
