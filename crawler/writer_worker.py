"""The crawl's writer process: WARC records and article rows written beside the crawl.

Started by :class:`crawler.writer.Writer` (:mod:`crawler.child_process`). Its own
process, so that compressing and hashing responses, preparing the search text and
talking to PostgreSQL neither hold the crawl's GIL nor make its reactor thread wait for
it. It answers calls in the order they came, so a response's records are written
before any batch sent later, which holds its article, is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawler.child_process import run_child
from crawler.row_derived import with_derived
from crawler.warc import Earlier, Fetch, WarcFiles, Written
from db import articles, captures
from db.engine import make_engine
from db.errors import is_connection_error


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
        """Articles and the captures of their responses, in one transaction; the rows' content
        hash and word count are computed here when the crawl left them out."""
        rows = [with_derived(row) for row in rows]
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

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {"open_warc": self.open_warc, "write_warc": self.write_warc, "store": self.store}

    def close(self) -> None:
        if self._files is not None:
            self._files.close()
        if self._engine is not None:
            self._engine.dispose()


def main() -> None:
    run_child(Writer)


if __name__ == "__main__":
    main()
