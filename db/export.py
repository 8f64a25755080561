"""Streaming the archive out: articles as JSON Lines records (the format ``akhbar import``
reads back, losing nothing) or CSV rows, and the captures of those articles.

The articles are selected by outlet, publication time and a search query (the web syntax
of ``akhbar search``: every article it matches, not only the best ranked).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import (
    Connection,
    DateTime,
    Select,
    cast,
    false,
    func,
    literal,
    select,
    text,
    union,
)

from db.models import Article, Capture, Outlet
from db.search import QueryBuilder, parse_query

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


# What the search matches on (db.search.recency.MATCH): the expression of the one search
# index, so that the index finds the matches.
_MATCH = text(
    "(articles.search_vector"
    " || public.akhbar_recency_week_v1(articles.published_at, articles.published_date))"
    " @@ CAST(:match AS tsquery)"
)


@dataclass(frozen=True)
class Selection:
    """Which articles an export holds; every part optional."""

    outlet: str | None = None
    since: dt.datetime | None = None
    """Published at or after (UTC): the publication instant, or the UTC midnight of the
    publication date when the page gave no time."""
    until: dt.datetime | None = None
    """Published before (UTC), in the same way."""
    query: str | None = None
    """A search in the syntax of ``akhbar search``; a query with no word to search for
    selects nothing."""


def exported_articles(
    connection: Connection, selection: Selection = Selection()
) -> Iterator[dict[str, Any]]:
    """Export records of the selected articles, by id; read in chunks on a server-side cursor."""
    columns = [getattr(Article, name) for name in _ARTICLE_COLUMNS]
    statement = (
        select(*columns, Outlet.name.label("outlet"))
        .join(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Article.id)
    )
    result = connection.execution_options(yield_per=500).execute(
        _selected(connection, statement, selection)
    )
    for row in result:
        yield _record(row._mapping)


def _selected(connection: Connection, statement: Select[Any], selection: Selection) -> Select[Any]:
    """``statement`` (joining articles and outlets) restricted to the selected articles."""
    recency = func.coalesce(
        Article.published_at,
        func.timezone(literal("UTC"), cast(Article.published_date, DateTime(timezone=False))),
    )
    if selection.outlet is not None:
        statement = statement.where(Outlet.name == selection.outlet)
    if selection.since is not None:
        statement = statement.where(recency >= selection.since)
    if selection.until is not None:
        statement = statement.where(recency < selection.until)
    if selection.query is not None:
        match = QueryBuilder(connection).build(parse_query(selection.query), matching=True)
        statement = statement.where(false() if match is None else _MATCH.bindparams(match=match))
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
    connection: Connection, selection: Selection = Selection()
) -> Iterator[ExportedCapture]:
    """Every capture of the selected articles (as :func:`exported_articles` selects them),
    with the response record each revisit refers to, each record once, oldest first."""
    articles = _selected(
        connection, select(Article.id).join(Outlet, Outlet.id == Article.outlet_id), selection
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
