"""Importing articles from other tools' JSON into the archive (``akhbar import``).

An input is JSON Lines, one JSON array, or one JSON object (news-please's one file
per article, pretty-printed or not); :mod:`db.import_formats` reads its records in
our format, news-please's or trafilatura's. A record that is not valid JSON or
lacks a URL, title or body is reported with its place (file, line or array item)
and skipped; the rest loads.

The outlet of a record is ``--outlet`` when given, else the outlet the record
names, else the archive's outlet on the record's host (``www.`` aside), else a
new outlet named after that host. Naive times are read in the outlet's zone when
the archive knows it (see :func:`outlet_zone`), else only their day is kept.

Articles are upserted in batches through :func:`db.articles.store_articles`, the
same path the crawler uses, so a re-import is idempotent (unchanged articles only
get ``last_seen_at``) and an edited article keeps its earlier version. Batches are
written by :data:`WRITERS` threads, each on its own connection, an article always by
the same one; a batch the database refuses stops the import with its error, when
the other writers may have stored a batch read after it (importing again completes
the import).

The search index takes new entries into a pending list that is merged into it when it
outgrows the session's ``gin_pending_list_limit``: 1 MB for the crawler and everyone
else (a search reads the whole list), :data:`PENDING_LIST_LIMIT_KB` in an import's own
transactions, so that it is merged about every 2,000 corpus articles instead of every 130
(migration bfbe808b93c7). The import merges it at its end, so searches after it read no
list; during it they read up to that limit. An import killed midway leaves at most that
much, merged by anyone else's next write or by autovacuum.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from db.articles import StoreResult, store_articles, upsert_outlet
from db.import_formats import PARSERS, BadRecord, Record, content_hash, resolve_dates
from db.models import Outlet

logger = logging.getLogger(__name__)

ImportFormat = Literal["jsonl", "news-please", "trafilatura"]
BATCH_SIZE = 500
#: Batches written at once, on connections of their own: the server's work per article
#: (search vector, index entries) is most of an import, and two writers keep two server
#: processes busy (1.5-2x the rows/s of one on a 2-core machine; benchmarks/README.md).
WRITERS = 2
#: The search index's pending list in an import's transactions (kB). Each merge of the
#: list walks the index once per distinct word it holds, so a larger list costs the import
#: less per article, and a search during the import reads up to this much: 16 MB saved as
#: much server work as 64 MB at 100 k articles, for a quarter of the searches' extra time
#: (benchmarks/README.md, "Write path").
PENDING_LIST_LIMIT_KB = 16 * 1024
SEARCH_INDEX = "ix_articles_search_recent"
#: Files read when a directory is given (news-please's file storage writes ``.json``).
INPUT_SUFFIXES = (".json", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class Place:
    """Where a record was read: its file (None for a stream), line or array item, or the
    byte offset of a WARC record."""

    source: str | None = None
    line: int | None = None
    item: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        parts = [self.source] if self.source else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return " ".join(parts) or "input"


@dataclass
class ImportSummary:
    """What an import did."""

    lines: int = 0
    """Records read (lines of JSON Lines, items of an array, files of one object)."""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    outlets_created: list[str] = field(default_factory=list)
    errors: list[tuple[Place, str]] = field(default_factory=list)

    def summary(self) -> str:
        created = (
            f", outlets created: {', '.join(self.outlets_created)}" if self.outlets_created else ""
        )
        return (
            f"{self.lines} records: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.errors)} skipped{created}"
        )


# Reading ---------------------------------------------------------------------


def read_records(
    lines: Iterable[str], fmt: ImportFormat, summary: ImportSummary, source: str | None = None
) -> Iterator[Record]:
    """Records of one input; bad ones go to ``summary.errors`` with their place.

    JSON Lines are read as they come (an import of millions of lines streams); an
    input whose first line is not a whole object (an array, a pretty-printed object)
    is read as one JSON document.
    """
    parser = PARSERS[fmt]
    iterator = iter(lines)
    head: list[str] = []
    for line in iterator:
        head.append(line)
        if line.strip():
            break
    first = head[-1].strip() if head else ""
    if not first:
        return
    if _is_object(first):
        yield from _json_lines(chain(head, iterator), parser, summary, source)
        return
    whole = "".join(chain(head, iterator))
    try:
        data = json.loads(whole)
    except json.JSONDecodeError as exc:
        # JSON Lines whose first line is broken: report it and read the others.
        if any(_is_object(line.strip()) for line in whole.splitlines()):
            yield from _json_lines(whole.splitlines(), parser, summary, source)
        else:
            summary.lines += 1
            summary.errors.append((Place(source, line=exc.lineno), f"not JSON: {exc.msg}"))
        return
    if isinstance(data, list):
        for index, record in enumerate(data, 1):
            yield from _parse_one(parser, record, Place(source, item=index), summary)
    else:
        yield from _parse_one(parser, data, Place(source), summary)


def _is_object(text: str) -> bool:
    if not text.startswith("{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _json_lines(
    lines: Iterable[str],
    parser: Callable[[Mapping[str, Any]], Record],
    summary: ImportSummary,
    source: str | None,
) -> Iterator[Record]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            summary.lines += 1
            summary.errors.append((Place(source, line=number), f"not JSON: {exc.msg}"))
            continue
        yield from _parse_one(parser, record, Place(source, line=number), summary)


def _parse_one(
    parser: Callable[[Mapping[str, Any]], Record],
    record: Any,
    place: Place,
    summary: ImportSummary,
) -> Iterator[Record]:
    summary.lines += 1
    if not isinstance(record, dict):
        summary.errors.append((place, "not a JSON object"))
        return
    try:
        yield parser(record)
    except BadRecord as exc:
        summary.errors.append((place, str(exc)))


def input_files(paths: Sequence[Path]) -> list[Path]:
    """The files to read: files as given, directories walked for JSON files (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix in INPUT_SUFFIXES and p.is_file())
            files.extend(sorted(found))
        else:
            files.append(path)
    return files


def _file_records(
    paths: Sequence[Path], fmt: ImportFormat, summary: ImportSummary
) -> Iterator[Record]:
    for path in input_files(paths):
        try:
            with path.open(encoding="utf-8") as lines:
                yield from read_records(lines, fmt, summary, str(path))
        except UnicodeDecodeError as exc:
            summary.errors.append((Place(str(path)), f"not UTF-8 text (byte {exc.start})"))


# Outlets and their zones -------------------------------------------------------


def outlet_zone(language: str, timezone: str) -> ZoneInfo | None:
    """The zone an outlet prints its times in, when the archive knows it.

    A spider declares its outlet's language and zone. An outlet nobody described
    (language ``und`` and the default zone UTC: one an import created, or a generic
    crawl given neither) has a zone of UTC only by default: a guess, not knowledge.
    """
    if language == "und" and timezone == "UTC":
        return None
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _host_key(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


class Outlets:
    """The archive's outlets by name and host, creating the ones an import names first."""

    def __init__(self, engine: Engine, name: str | None, zone: ZoneInfo | None) -> None:
        self.engine = engine
        self.name = name
        self.zone = zone
        self.by_name: dict[str, tuple[int, ZoneInfo | None]] = {}
        self.by_host: dict[str, str] = {}
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    Outlet.id, Outlet.name, Outlet.base_url, Outlet.language, Outlet.timezone
                ).order_by(Outlet.id)
            ).all()
        for row in rows:
            self.by_name[row.name] = (row.id, outlet_zone(row.language, row.timezone))
            self.by_host.setdefault(_host_key(row.base_url), row.name)

    def resolve(self, record: Record, summary: ImportSummary) -> tuple[int, ZoneInfo | None]:
        """``(outlet id, zone of naive times)`` of one record; a new outlet is committed
        at once (articles of the batch being written may need it)."""
        name = self.name or record.outlet or self.by_host.get(record.host) or record.host
        if name not in self.by_name:
            base_url = f"https://{record.host}/"
            outlet = {"name": name, "title": name, "base_url": base_url, "language": "und"}
            with self.engine.begin() as connection:
                self.by_name[name] = (upsert_outlet(connection, outlet), None)
            self.by_host.setdefault(record.host, name)
            summary.outlets_created.append(name)
        outlet_id, zone = self.by_name[name]
        return outlet_id, self.zone or zone


def article_row(record: Record, outlet_id: int, zone: ZoneInfo | None) -> dict[str, Any]:
    """A row for ``store_articles``, dates resolved in ``zone`` (None: unknown)."""
    published_at, published_date, modified_at = resolve_dates(
        record.published, record.modified, zone, record.published_date
    )
    return {
        "outlet_id": outlet_id,
        "url": record.url,
        "title": record.title,
        "subtitle": record.subtitle,
        "body": record.body,
        "authors": record.authors,
        "section": record.section,
        "tags": record.tags,
        "language": record.language,
        "published_at": published_at,
        "published_date": published_date,
        "modified_at": modified_at,
        "content_hash": content_hash(record.title, record.body),
        "word_count": len(record.body.split()),
        "image_url": record.image_url,
        "dateline": record.dateline,
    }


# Loading -----------------------------------------------------------------------


class _Writer:
    """Writes batches in order, one at a time, on a thread and connection of its own.

    psycopg lets go of the GIL while it waits for the server, so records are read and
    other writers' batches written meanwhile.
    """

    def __init__(self, engine: Engine, pending_list_kb: int) -> None:
        self.engine = engine
        self.pending_list_kb = pending_list_kb
        self.rows: list[dict[str, Any]] = []
        self.writing: Future[StoreResult] | None = None
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="akhbar-import")

    def submit(self) -> StoreResult | None:
        """Start writing the rows gathered; the result of the batch written before, if any."""
        done = self.wait()
        self.writing = self.thread.submit(self._store, self.rows)
        self.rows = []
        return done

    def wait(self) -> StoreResult | None:
        """The result of the batch being written, once it is (None when there is none)."""
        writing, self.writing = self.writing, None
        return writing.result() if writing else None

    def close(self) -> None:
        self.thread.shutdown()

    def _store(self, rows: list[dict[str, Any]]) -> StoreResult:
        """One transaction per batch, with the import's pending-list limit."""
        with self.engine.begin() as connection:
            grow_pending_list(connection, self.pending_list_kb)
            return store_articles(connection, rows)


def grow_pending_list(connection: Connection, pending_list_kb: int = PENDING_LIST_LIMIT_KB) -> None:
    """Let the search index's pending list grow to ``pending_list_kb`` in the rest of this
    transaction (a bulk load's; :func:`merge_pending_list` when the load is done)."""
    # A writer whose insert outgrows the list merges it, in work_mem: as much memory as
    # the list takes it in one pass instead of one per 4 MB (the default).
    _set_local(connection, gin_pending_list_limit=pending_list_kb, work_mem=pending_list_kb)


def _set_local(connection: Connection, **settings_kb: int) -> None:
    """Settings (in kB) for the rest of the transaction only: nothing outlives it, not even
    when the import is killed."""
    names = list(settings_kb)
    calls = ", ".join(f"set_config(:name{i}, :value{i}, true)" for i in range(len(names)))
    values = {f"name{i}": name for i, name in enumerate(names)}
    values |= {f"value{i}": f"{settings_kb[name]}kB" for i, name in enumerate(names)}
    connection.execute(text(f"SELECT {calls}"), values)


def merge_pending_list(engine: Engine, memory_kb: int = PENDING_LIST_LIMIT_KB) -> int:
    """Merge the search index's pending list into it (what an import does at its end);
    the pages it held. ``memory_kb`` is what the merge sorts in before writing."""
    with engine.begin() as connection:
        _set_local(connection, maintenance_work_mem=memory_kb)
        pages = connection.execute(
            text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"),
            {"index": SEARCH_INDEX},
        ).scalar_one()
    return int(pages)


def merge_pending_list_after_load(engine: Engine, memory_kb: int = PENDING_LIST_LIMIT_KB) -> None:
    """:func:`merge_pending_list` when a bulk load ends, well or not. A merge that fails
    (the database gone) is logged, not raised over the load's own outcome: the next
    write that overflows the list merges it anyway."""
    try:
        merge_pending_list(engine, memory_kb)
    except SQLAlchemyError:
        logger.warning(
            "the search index's pending list was not merged; the next write will merge it",
            exc_info=True,
        )


@dataclass
class _Loader:
    engine: Engine
    summary: ImportSummary
    outlet: str | None
    zone: ZoneInfo | None
    progress: Callable[[ImportSummary], None] | None
    pending_list_kb: int

    def load(self, records: Iterable[Record], batch_size: int, writers: int) -> ImportSummary:
        """Rows go to a writer by their URL: the versions of an article are written by one
        writer, in the order read, and two writers never wait for each other's rows."""
        outlets = Outlets(self.engine, self.outlet, self.zone)
        lanes = [_Writer(self.engine, self.pending_list_kb) for _ in range(writers)]
        try:
            for record in records:
                row = article_row(record, *outlets.resolve(record, self.summary))
                lane = lanes[zlib.crc32(row["url"].encode()) % writers]
                lane.rows.append(row)
                if len(lane.rows) >= batch_size:
                    self._count(lane.submit())
            for lane in lanes:
                self._count(lane.submit() if lane.rows else None)
            for lane in lanes:
                self._count(lane.wait())
        finally:
            for lane in lanes:
                lane.close()
            merge_pending_list_after_load(self.engine, self.pending_list_kb)
        # The skipped records are in summary.errors, for the caller to report once.
        return self.summary

    def _count(self, result: StoreResult | None) -> None:
        if result is None:
            return
        self.summary.new += len(result.new)
        self.summary.updated += len(result.updated)
        self.summary.unchanged += len(result.unchanged)
        if self.progress:
            self.progress(self.summary)


def import_file(
    engine: Engine,
    stream: Iterable[str],
    fmt: ImportFormat = "jsonl",
    *,
    source: str | None = None,
    outlet: str | None = None,
    zone: ZoneInfo | None = None,
    batch_size: int = BATCH_SIZE,
    writers: int = WRITERS,
    pending_list_kb: int = PENDING_LIST_LIMIT_KB,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Load one input (a file or any iterable of lines) into the archive.

    ``outlet`` puts every record under that outlet; ``zone`` is the zone of naive
    times whatever the outlet's; ``writers`` batches of ``batch_size`` rows are written
    at once, with the search index's pending list up to ``pending_list_kb``, merged at
    the end.
    """
    summary = ImportSummary()
    loader = _Loader(engine, summary, outlet, zone, progress, pending_list_kb)
    return loader.load(read_records(stream, fmt, summary, source), batch_size, writers)


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    fmt: ImportFormat = "jsonl",
    *,
    outlet: str | None = None,
    zone: ZoneInfo | None = None,
    batch_size: int = BATCH_SIZE,
    writers: int = WRITERS,
    pending_list_kb: int = PENDING_LIST_LIMIT_KB,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Load files and directories of files (news-please's one file per article), batched
    across files."""
    summary = ImportSummary()
    loader = _Loader(engine, summary, outlet, zone, progress, pending_list_kb)
    return loader.load(_file_records(paths, fmt, summary), batch_size, writers)
