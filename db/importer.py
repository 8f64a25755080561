"""Importing articles from JSON Lines (ours, or news-please's output) into the archive.

Every line is one article. Lines that are not valid JSON, or lack a URL, title
or body, are reported with their line number and skipped; the rest loads.
Articles are upserted in batches through :func:`db.articles.store_articles`, the
same path the crawler uses, so a re-import is idempotent (unchanged articles
only get ``last_seen_at``) and an edited article keeps its earlier version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, select

from db.articles import store_articles, upsert_outlet
from db.models import Outlet

ImportFormat = Literal["jsonl", "news-please"]
BATCH_SIZE = 500


class BadLine(ValueError):
    """One input line that cannot become an article."""


@dataclass
class ImportSummary:
    """What an import did."""

    lines: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    outlets_created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        created = (
            f", outlets created: {', '.join(self.outlets_created)}" if self.outlets_created else ""
        )
        return (
            f"{self.lines} lines: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.errors)} skipped{created}"
        )


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and real corpora have stray ones (the shared
    # Arabic corpus ends some bodies with one): drop them rather than fail the batch.
    return unicodedata.normalize("NFC", value.replace("\x00", "")).strip()


def _text(value: Any, name: str, required: bool = False) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadLine(f"{name} must be a string")
    cleaned = _clean(value) if value else ""
    if not cleaned and required:
        raise BadLine(f"missing {name}")
    return cleaned or None


def _list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadLine(f"{name} must be a list of strings")
    return [cleaned for v in value if (cleaned := _clean(v))]


def _timestamp(value: Any, name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadLine(f"{name} must be an ISO 8601 string or null")
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadLine(f"{name} is not ISO 8601: {value[:40]!r}") from exc
    if parsed.tzinfo is None:  # a naive time is taken as UTC, the archive's zone
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BadLine(f"published_date is not an ISO 8601 date: {str(value)[:40]!r}") from exc


def _content_hash(title: str, body: str) -> str:
    folded = " ".join(f"{title}\n{body}".split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()


def parse_jsonl_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Our format -> a row for ``store_articles`` (with ``outlet`` name, not id)."""
    url = _text(record.get("url"), "url", required=True)
    assert url is not None
    if urlsplit(url).scheme not in ("http", "https"):
        raise BadLine(f"url must be http(s): {url[:60]!r}")
    title = _text(record.get("title"), "title", required=True)
    body = _text(record.get("body"), "body", required=True)
    assert title is not None and body is not None
    outlet = _text(record.get("outlet"), "outlet") or urlsplit(url).hostname or "unknown"
    published = _timestamp(record.get("published"), "published")
    return {
        "outlet": outlet,
        "url": url,
        "title": title,
        "subtitle": _text(record.get("subtitle"), "subtitle"),
        "body": body,
        "authors": _list(record.get("authors"), "authors"),
        "section": _text(record.get("section"), "section"),
        "tags": _list(record.get("tags"), "tags"),
        "language": _text(record.get("language"), "language"),
        "published_at": published,
        # Ours carries the date in the outlet's zone (``akhbar export``); else the UTC day.
        "published_date": _date(record.get("published_date"))
        or (published.date() if published else None),
        "modified_at": _timestamp(record.get("modified"), "modified"),
        "content_hash": _content_hash(title, body),
        "word_count": len(body.split()),
        "image_url": _text(record.get("image_url"), "image_url"),
        "dateline": _text(record.get("dateline"), "dateline"),
    }


def parse_news_please_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """news-please's JSON (``title``, ``maintext``, ``date_publish``, ``source_domain``...)."""

    def when(value: Any) -> str | None:
        # news-please writes "2019-02-07 10:20:00" (space, naive) or null.
        return value.replace(" ", "T", 1) if isinstance(value, str) else value

    description = record.get("description")
    body = record.get("maintext") or record.get("text") or description
    return parse_jsonl_record(
        {
            "url": record.get("url"),
            "outlet": record.get("source_domain"),
            "title": record.get("title"),
            "subtitle": description if description and description != body else None,
            "body": body,
            "published": when(record.get("date_publish")),
            "modified": when(record.get("date_modify")),
            "language": record.get("language"),
            "authors": record.get("authors"),
            "image_url": record.get("image_url"),
        }
    )


PARSERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "jsonl": parse_jsonl_record,
    "news-please": parse_news_please_record,
}


def read_records(
    lines: Iterable[str], fmt: ImportFormat, summary: ImportSummary
) -> Iterator[dict[str, Any]]:
    """Rows from input lines; bad lines go to ``summary.errors`` with their number.

    news-please also writes one pretty-printed JSON object (or an array) per file:
    when the first non-blank character is ``[`` or the input is one object over
    several lines, the whole input is read as JSON instead of line by line.
    """
    parser = PARSERS[fmt]
    buffered = list(lines) if fmt == "news-please" else None
    if buffered is not None:
        whole = "".join(buffered).strip()
        if whole.startswith("[") or (
            whole.startswith("{") and "\n" in whole and _one_object(whole)
        ):
            data = json.loads(whole) if whole else []
            for index, record in enumerate(data if isinstance(data, list) else [data], 1):
                summary.lines += 1
                yield from _parse_one(parser, record, index, summary)
            return
    for number, line in enumerate(buffered if buffered is not None else lines, 1):
        if not line.strip():
            continue
        summary.lines += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            summary.errors.append((number, f"not JSON: {exc.msg}"))
            continue
        yield from _parse_one(parser, record, number, summary)


def _one_object(whole: str) -> bool:
    try:
        return isinstance(json.loads(whole), dict)
    except json.JSONDecodeError:
        return False


def _parse_one(
    parser: Callable[[Mapping[str, Any]], dict[str, Any]],
    record: Any,
    number: int,
    summary: ImportSummary,
) -> Iterator[dict[str, Any]]:
    if not isinstance(record, dict):
        summary.errors.append((number, "not a JSON object"))
        return
    try:
        yield parser(record)
    except BadLine as exc:
        summary.errors.append((number, str(exc)))


_NAME = re.compile(r"[^a-z0-9]+")


def _outlet_ids(connection: Connection, names: set[str], summary: ImportSummary) -> dict[str, int]:
    """Ids of outlets by name, creating rows for names the archive does not know."""
    known = dict(
        connection.execute(select(Outlet.name, Outlet.id).where(Outlet.name.in_(names))).all()
    )
    for name in sorted(names - known.keys()):
        host = name if "." in name else None
        known[name] = upsert_outlet(
            connection,
            {
                "name": name,
                "title": name,
                "base_url": f"https://{host}/" if host else "",
                "language": "und",
            },
        )
        summary.outlets_created.append(name)
    return known


def import_file(
    engine: Engine,
    stream: TextIO,
    fmt: ImportFormat = "jsonl",
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Load ``stream`` into the archive, one transaction per batch."""
    summary = ImportSummary()
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if not batch:
            return
        with engine.begin() as connection:
            ids = _outlet_ids(connection, {row["outlet"] for row in batch}, summary)
            rows = [{**row, "outlet_id": ids[row["outlet"]]} for row in batch]
            result = store_articles(connection, rows)
        summary.new += len(result.new)
        summary.updated += len(result.updated)
        summary.unchanged += len(result.unchanged)
        batch.clear()
        if progress:
            progress(summary)

    for row in read_records(stream, fmt, summary):
        batch.append(row)
        if len(batch) >= batch_size:
            flush()
    flush()
    # The skipped lines are in summary.errors, for the caller to report once.
    return summary
