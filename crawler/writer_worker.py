"""The crawl's writer process: WARC records and article rows written beside the crawl.

Run by :class:`crawler.writer.WriterProcess` as ``python -m crawler.writer_worker``. It
reads calls from stdin and answers each on stdout, in the order they came (frames:
a 4-byte big-endian length, then a pickle). A call is ``(call id, name, args)``; an
answer is ``(call id, True, result)`` or ``(call id, False, exception)``.

Its own process, so that compressing and hashing responses, preparing the search text
and talking to PostgreSQL neither hold the crawl's GIL nor make its reactor thread wait
for it: on two cores the crawl keeps one, and this process and PostgreSQL the other.

It ignores SIGINT and SIGTERM (a Ctrl-C reaches the whole process group): the crawl
decides when it stops, by closing stdin. A crawl that dies closes it too; what was sent
before is still written, in order, then the process ends.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine

from crawler.warc import Earlier, Fetch, WarcFiles, Written
from db import articles, captures
from db.engine import make_engine
from db.errors import is_connection_error

logger = logging.getLogger(__name__)

HEADER = struct.Struct(">I")


class Writer:
    """What the process holds: the crawl's WARC files and its database engine (connected on
    first use)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._files: WarcFiles | None = None
        self._last: dict[str, Earlier] = {}
        """Fetched URL -> its last capture, for revisit records."""
        self._engine: Engine | None = None

    def open_warc(
        self, directory: Path, prefix: str, max_size: int, last: dict[str, Earlier]
    ) -> None:
        """Where to write (:class:`WarcFiles`' arguments), and the outlet's last captures."""
        self._files = WarcFiles(directory, prefix, max_size)
        self._last = last

    def write_warc(self, fetch: Fetch) -> Written:
        """A fetch's records; a revisit record when its payload is the last capture's."""
        if self._files is None:
            raise RuntimeError("write_warc before open_warc")
        written = self._files.write(fetch, self._last.get(fetch.url))
        self._last[fetch.url] = Earlier(written.digest, written.url, written.fetched_at)
        return written

    def store(
        self, rows: list[dict[str, Any]], fetches: list[dict[str, Any]]
    ) -> articles.StoreResult:
        """Articles and the captures of their responses, in one transaction."""
        if self._engine is None:
            self._engine = make_engine(self.database_url, pool_size=1, max_overflow=0)
        try:
            with self._engine.begin() as connection:
                result = articles.store_articles(connection, rows)
                captures.record_captures(connection, fetches)
                return result
        except Exception as exc:
            if is_connection_error(exc):
                self._engine.dispose()  # the crawl retries; the next try connects afresh
            raise

    def close(self) -> None:
        if self._files is not None:
            self._files.close()
        if self._engine is not None:
            self._engine.dispose()


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's payload; None at the end of the stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def answer(call_id: int, ok: bool, value: Any) -> bytes:
    """An answer's frame; an exception pickle cannot carry goes as a RuntimeError naming it."""
    try:
        return frame(pickle.dumps((call_id, ok, value), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        if ok:
            raise
        stand_in = RuntimeError(f"{type(value).__name__}: {value}")
        return frame(pickle.dumps((call_id, False, stand_in), protocol=pickle.HIGHEST_PROTOCOL))


def serve(writer: Writer, calls: BinaryIO, answers: BinaryIO) -> None:
    """Answer calls until ``calls`` ends."""
    methods: dict[str, Callable[..., Any]] = {
        "open_warc": writer.open_warc,
        "write_warc": writer.write_warc,
        "store": writer.store,
    }
    while (payload := read_frame(calls)) is not None:
        call_id, name, args = pickle.loads(payload)
        try:
            result = (call_id, True, methods[name](*args))
        except Exception as exc:
            result = (call_id, False, exc)
        answers.write(answer(*result))
        answers.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Answers get a descriptor of their own; a stray print goes to stderr, not into a frame.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    )
    calls = sys.stdin.buffer
    payload = read_frame(calls)
    if payload is None:
        return
    writer = Writer(pickle.loads(payload))
    try:
        serve(writer, calls, answers)
    finally:
        writer.close()


if __name__ == "__main__":
    main()
