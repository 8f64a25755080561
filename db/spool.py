"""The spool: articles the database could not take, kept in local files until it can.

A spool file is JSON Lines, one article per line: the article's row (the
:data:`db.articles.ARTICLE_FIELDS` but ``outlet_id``) with its outlet's row under
``"outlet"``, so that it can be stored into any archive, even one that never saw
the outlet, and, when the crawl kept its response, its ``captures`` row (the
:data:`db.captures.CAPTURE_FIELDS`) under ``"capture"``, recorded with the article
on replay. Dates and times are ISO 8601; text is UTF-8 as published.

Each batch is appended, flushed and fsynced before the writer returns, so a
crash can cut only the line being written: replay skips such a line and reports
it. A writer holds an exclusive ``flock`` on its file for as long as it lives;
replay skips locked files, so it never removes a file a running crawl still
appends to. Replay stores through :func:`db.articles.store_articles` (the same
idempotent upsert as a crawl) and removes a file only after its rows committed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

from db.articles import ARTICLE_FIELDS, StoreResult, store_articles, upsert_outlet
from db.captures import CAPTURE_FIELDS, record_captures_once
from db.errors import brief, is_connection_error

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
SPOOLED_FIELDS = tuple(f for f in ARTICLE_FIELDS if f != "outlet_id")
_DATETIME_FIELDS = ("published_at", "modified_at")
_DATE_FIELDS = ("published_date",)
REPLAY_CHUNK = 500
"""Rows per replay transaction: large enough to be quick, small enough to hold few locks."""


def default_spool_dir(data_dir: Path) -> Path:
    return data_dir / "spool"


class SpoolWriter:
    """Appends batches to one spool file, created (and locked) on the first batch.

    Thread-safe: the crawler stores from a thread pool.
    """

    def __init__(self, directory: Path, name: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        self.path = directory / f"{name}-{stamp}-{os.getpid()}{SUFFIX}"
        self._handle: IO[bytes] | None = None
        self._lock = threading.Lock()

    def write(self, outlet: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> Path:
        """Append ``rows`` (article rows of ``outlet``) and make them durable."""
        data = b"".join(encode_line(outlet, row) for row in rows)
        with self._lock:
            handle = self._open()
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return self.path

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()  # releases the lock: replay may now take the file
                self._handle = None

    def _open(self) -> IO[bytes]:
        if self._handle is not None:
            return self._handle
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = self.path.open("ab")
            fcntl.flock(handle, fcntl.LOCK_EX)
            # A replay may have taken and removed the file between our open and our lock.
            if os.fstat(handle.fileno()).st_nlink > 0:
                self._handle = handle
                return handle
            handle.close()


def encode_line(outlet: Mapping[str, Any], row: Mapping[str, Any]) -> bytes:
    line = {f: row.get(f) for f in SPOOLED_FIELDS}
    line["outlet"] = dict(outlet)
    capture = row.get("capture")
    if capture:
        line["capture"] = {f: capture[f] for f in CAPTURE_FIELDS}
    text = json.dumps(line, ensure_ascii=False, default=_iso, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def decode_line(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(outlet row, article row)`` of one line; ValueError/KeyError/TypeError when damaged.

    The article row holds its capture under ``"capture"`` when the line has one.
    """
    line = json.loads(raw.decode("utf-8"))
    outlet = dict(line.pop("outlet"))
    if not isinstance(outlet.get("name"), str):
        raise ValueError("no outlet name")
    row = {f: line[f] for f in SPOOLED_FIELDS}
    if line.get("capture") is not None:
        capture = {f: line["capture"][f] for f in CAPTURE_FIELDS}
        capture["fetched_at"] = dt.datetime.fromisoformat(capture["fetched_at"])
        row["capture"] = capture
    for name in _DATETIME_FIELDS:
        if row[name] is not None:
            row[name] = dt.datetime.fromisoformat(row[name])
    for name in _DATE_FIELDS:
        if row[name] is not None:
            row[name] = dt.date.fromisoformat(row[name])
    return outlet, row


def _iso(value: object) -> str:
    if isinstance(value, dt.date):  # datetimes too: datetime is a date subclass
        return value.isoformat()
    raise TypeError(f"cannot spool a {type(value).__name__}")


@dataclass
class SpoolFile:
    """What one spool file holds."""

    path: Path
    lines: list[tuple[dict[str, Any], dict[str, Any]]]
    damaged: list[int]
    """1-based numbers of lines that could not be read (a crash cut the last one)."""


def read_spool_file(path: Path) -> SpoolFile:
    return _parse(path, path.read_bytes())


def _parse(path: Path, data: bytes) -> SpoolFile:
    lines, damaged = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            lines.append(decode_line(raw))
        except (ValueError, KeyError, TypeError, AttributeError):
            damaged.append(number)
    return SpoolFile(path, lines, damaged)


def pending_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


def in_use(path: Path) -> bool:
    """Whether a running crawl still writes ``path``."""
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


@dataclass
class ReplayResult:
    """What a replay did, in articles unless said otherwise."""

    files: int = 0
    """Files fully stored and removed."""
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Articles the database refused again (a data error): left in their file."""
    busy: list[Path] = field(default_factory=list)
    """Files skipped because a running crawl still writes them."""
    damaged: list[str] = field(default_factory=list)
    """``file:line`` of each line that could not be read; skipped."""

    def summary(self) -> str:
        text = (
            f"{self.articles} articles from {self.files} files: {self.new} new, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.kept:
            text += f"; {self.kept} refused by the database, kept in the spool"
        if self.damaged:
            text += f"; {len(self.damaged)} damaged lines skipped ({', '.join(self.damaged)})"
        if self.busy:
            text += f"; {len(self.busy)} files in use by a running crawl left for later"
        return text


def replay(engine: Engine, directory: Path) -> ReplayResult:
    """Store every pending spool file in ``directory`` into the archive on ``engine``.

    Idempotent: a stored file is removed, and storing a row again only updates
    its ``last_seen_at``. A connection error propagates with the file untouched.
    """
    result = ReplayResult()
    for path in pending_files(directory):
        _replay_file(engine, path, result)
    return result


def replay_file(engine: Engine, path: Path) -> ReplayResult:
    """Store one spool file, as :func:`replay` does (a crawl replaying its own file)."""
    result = ReplayResult()
    _replay_file(engine, path, result)
    return result


def _replay_file(engine: Engine, path: Path, result: ReplayResult) -> None:
    try:
        handle = path.open("rb")
    except FileNotFoundError:  # another replay took it meanwhile
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            result.busy.append(path)
            return
        if os.fstat(handle.fileno()).st_nlink == 0:  # another replay stored and removed it
            return
        spooled = _parse(path, handle.read())
        refused = _store(engine, spooled.lines, result)
        for number in spooled.damaged:
            logger.warning("%s: line %d is damaged (cut by a crash?); skipped", path, number)
            result.damaged.append(f"{path.name}:{number}")
        if refused:
            _rewrite(path, refused)
            result.kept += len(refused)
        else:
            path.unlink()
            result.files += 1


def _store(
    engine: Engine,
    lines: list[tuple[dict[str, Any], dict[str, Any]]],
    result: ReplayResult,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Store the lines, returning those the database refused."""
    refused = []
    for outlet, rows in _by_outlet(lines):
        with engine.begin() as connection:
            outlet_id = upsert_outlet(connection, outlet)
        rows = [{**row, "outlet_id": outlet_id} for row in rows]
        for start in range(0, len(rows), REPLAY_CHUNK):
            chunk = rows[start : start + REPLAY_CHUNK]
            try:
                _count(result, _store_rows(engine, chunk))
            except Exception as exc:
                if is_connection_error(exc):
                    raise
                # One bad row must not hold back the others: find it by storing one by one.
                for row in chunk:
                    try:
                        _count(result, _store_rows(engine, [row]))
                    except Exception as row_exc:
                        if is_connection_error(row_exc):
                            raise
                        logger.error("spooled %s refused again: %s", row["url"], brief(row_exc))
                        refused.append((outlet, row))
    return refused


def _store_rows(engine: Engine, rows: list[dict[str, Any]]) -> StoreResult:
    """Store articles and their captures in one transaction, as a crawl does."""
    captures = [
        {**row["capture"], "outlet_id": row["outlet_id"], "article_url": row["url"]}
        for row in rows
        if row.get("capture")
    ]
    with engine.begin() as connection:
        stored = store_articles(connection, rows)
        record_captures_once(connection, captures)
        return stored


def _count(result: ReplayResult, stored: StoreResult) -> None:
    result.articles += len(stored.new) + len(stored.updated) + len(stored.unchanged)
    result.new += len(stored.new)
    result.updated += len(stored.updated)
    result.unchanged += len(stored.unchanged)


def _by_outlet(
    lines: list[tuple[dict[str, Any], dict[str, Any]]],
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    groups: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for outlet, row in lines:
        groups.setdefault(outlet["name"], (outlet, []))[1].append(row)
    yield from groups.values()


def _rewrite(path: Path, lines: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Replace ``path`` by a file of ``lines`` only, durably (write, fsync, rename)."""
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("wb") as handle:
        handle.write(b"".join(encode_line(outlet, row) for outlet, row in lines))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
