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
get ``last_seen_at``) and an edited article keeps its earlier version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, select

from db.articles import store_articles, upsert_outlet
from db.import_formats import PARSERS, BadRecord, Record, content_hash, resolve_dates
from db.models import Outlet

ImportFormat = Literal["jsonl", "news-please", "trafilatura"]
BATCH_SIZE = 500
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

    def __init__(self, connection: Connection, name: str | None, zone: ZoneInfo | None) -> None:
        self.name = name
        self.zone = zone
        self.by_name: dict[str, tuple[int, ZoneInfo | None]] = {}
        self.by_host: dict[str, str] = {}
        rows = connection.execute(
            select(
                Outlet.id, Outlet.name, Outlet.base_url, Outlet.language, Outlet.timezone
            ).order_by(Outlet.id)
        )
        for row in rows:
            self.by_name[row.name] = (row.id, outlet_zone(row.language, row.timezone))
            self.by_host.setdefault(_host_key(row.base_url), row.name)

    def resolve(
        self, connection: Connection, record: Record, summary: ImportSummary
    ) -> tuple[int, ZoneInfo | None]:
        """``(outlet id, zone of naive times)`` of one record."""
        name = self.name or record.outlet or self.by_host.get(record.host) or record.host
        if name not in self.by_name:
            base_url = f"https://{record.host}/"
            outlet = {"name": name, "title": name, "base_url": base_url, "language": "und"}
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


@dataclass
class _Loader:
    engine: Engine
    summary: ImportSummary
    outlet: str | None
    zone: ZoneInfo | None
    progress: Callable[[ImportSummary], None] | None
    outlets: Outlets | None = None

    def store(self, batch: list[Record]) -> None:
        """One transaction per batch."""
        with self.engine.begin() as connection:
            if self.outlets is None:
                self.outlets = Outlets(connection, self.outlet, self.zone)
            rows = []
            for record in batch:
                outlet_id, zone = self.outlets.resolve(connection, record, self.summary)
                rows.append(article_row(record, outlet_id, zone))
            result = store_articles(connection, rows)
        self.summary.new += len(result.new)
        self.summary.updated += len(result.updated)
        self.summary.unchanged += len(result.unchanged)
        if self.progress:
            self.progress(self.summary)


def _load(loader: _Loader, records: Iterable[Record], batch_size: int) -> ImportSummary:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            loader.store(batch)
            batch = []
    if batch:
        loader.store(batch)
    # The skipped records are in summary.errors, for the caller to report once.
    return loader.summary


def import_file(
    engine: Engine,
    stream: Iterable[str],
    fmt: ImportFormat = "jsonl",
    *,
    source: str | None = None,
    outlet: str | None = None,
    zone: ZoneInfo | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Load one input (a file or any iterable of lines) into the archive.

    ``outlet`` puts every record under that outlet; ``zone`` is the zone of naive
    times whatever the outlet's.
    """
    summary = ImportSummary()
    loader = _Loader(engine, summary, outlet, zone, progress)
    return _load(loader, read_records(stream, fmt, summary, source), batch_size)


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    fmt: ImportFormat = "jsonl",
    *,
    outlet: str | None = None,
    zone: ZoneInfo | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Load files and directories of files (news-please's one file per article), batched
    across files."""
    summary = ImportSummary()
    loader = _Loader(engine, summary, outlet, zone, progress)
    return _load(loader, _file_records(paths, fmt, summary), batch_size)
