"""Streaming the archive out: articles as JSON Lines records (the format ``akhbar import``
reads back, losing nothing) or CSV rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Connection, DateTime, Select, cast, func, literal, select, union

from db.models import Article, Capture, Outlet

EXPORT_FIELDS = (
    "url",
    "outlet",
    "title",
    "subtitle",
    "body",
    "authors",
    "section",
    "tags",
    "language",
    "published",
    "published_date",
    "modified",
    "image_url",
    "dateline",
)
"""The keys of an exported record, named as :func:`db.importer.parse_jsonl_record` reads them."""
_RENAMED = {"published_at": "published", "modified_at": "modified"}
_ARTICLE_COLUMNS = tuple(
    {v: k for k, v in _RENAMED.items()}.get(name, name)
    for name in EXPORT_FIELDS
    if name != "outlet"
)


def exported_articles(
    connection: Connection,
    outlet: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Export records of the selected articles, by id; read in chunks on a server-side cursor.

    ``since`` / ``until`` bound the publication instant (or the UTC midnight of the
    publication date when the page gave no time), ``until`` excluded.
    """
    columns = [getattr(Article, name) for name in _ARTICLE_COLUMNS]
    statement = (
        select(*columns, Outlet.name.label("outlet"))
        .join(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Article.id)
    )
    result = connection.execution_options(yield_per=500).execute(
        _selected(statement, outlet, since, until)
    )
    for row in result:
        yield _record(row._mapping)


def _selected(
    statement: Select[Any],
    outlet: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[Any]:
    """``statement`` (joining articles and outlets) restricted to the selected articles."""
    recency = func.coalesce(
        Article.published_at,
        func.timezone(literal("UTC"), cast(Article.published_date, DateTime(timezone=False))),
    )
    if outlet is not None:
        statement = statement.where(Outlet.name == outlet)
    if since is not None:
        statement = statement.where(recency >= since)
    if until is not None:
        statement = statement.where(recency < until)
    return statement


@dataclass(frozen=True)
class ExportedCapture:
    """A WARC record to copy: a capture of a selected article, or the response record
    holding the payload of such a capture that is a revisit."""

    capture_id: int
    url: str
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int


def exported_captures(
    connection: Connection,
    outlet: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Iterator[ExportedCapture]:
    """Every capture of the selected articles (as :func:`exported_articles` selects them),
    with the response record each revisit refers to, each record once, oldest first."""
    articles = _selected(
        select(Article.id).join(Outlet, Outlet.id == Article.outlet_id), outlet, since, until
    ).subquery()
    chosen = select(Capture).where(Capture.article_id.in_(select(articles.c.id))).cte("chosen")
    original = Capture.__table__.alias("original")
    referred = select(original).join(
        chosen,
        (chosen.c.record_type == "revisit")
        & (original.c.url == chosen.c.url)
        & (original.c.payload_digest == chosen.c.payload_digest)
        & (original.c.record_type == "response")
        & (original.c.fetched_at <= chosen.c.fetched_at),
    )
    both = union(select(chosen), referred).subquery()
    statement = select(
        both.c.id,
        both.c.url,
        both.c.record_type,
        both.c.warc_file,
        both.c.warc_offset,
        both.c.warc_length,
    ).order_by(both.c.fetched_at, both.c.id)
    for row in connection.execution_options(yield_per=500).execute(statement):
        yield ExportedCapture(*row)


def _record(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {_RENAMED.get(name, name): row[name] for name in (*_ARTICLE_COLUMNS, "outlet")}
    for name in ("published", "published_date", "modified"):
        if record[name] is not None:
            record[name] = record[name].isoformat()
    return {name: record[name] for name in EXPORT_FIELDS}


def write_jsonl(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """One row per article; ``authors`` and ``tags`` as JSON arrays (names may hold commas)."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    count = 0
    for record in records:
        record["authors"] = json.dumps(record["authors"], ensure_ascii=False)
        record["tags"] = json.dumps(record["tags"], ensure_ascii=False)
        writer.writerow(record)
        count += 1
    return count
