"""Reading the archive for people: one article with its history, and the outlets' crawls.

These are the queries behind the web face's article and outlets pages. They only
read (``akhbar_reader`` may run them) and return plain dataclasses; rendering is
the face's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Version:
    """The title, subtitle and body of one version of an article."""

    title: str
    subtitle: str | None
    body: str
    content_hash: str
    first_seen_at: dt.datetime | None
    superseded_at: dt.datetime | None
    """When the next version replaced it; None for the current one."""
    reason: str | None
    """Why it was replaced (crawl or reextraction); None for the current one."""


@dataclass(frozen=True)
class Copy:
    """Another article with the same ``content_hash``: a word-for-word copy."""

    id: int
    url: str
    outlet: str
    outlet_title: str
    published_at: dt.datetime | None


@dataclass(frozen=True)
class ArticleView:
    """An article as archived, with its outlet, earlier versions and copies."""

    id: int
    url: str
    outlet: str
    outlet_title: str
    outlet_timezone: str
    title: str
    subtitle: str | None
    body: str
    authors: list[str]
    section: str | None
    tags: list[str]
    language: str | None
    published_at: dt.datetime | None
    published_date: dt.date | None
    modified_at: dt.datetime | None
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    content_hash: str
    word_count: int
    dateline: str | None
    versions: list[Version] = field(default_factory=list)
    """Every version, oldest first; the last is the current one."""
    copies: list[Copy] = field(default_factory=list)


@dataclass(frozen=True)
class LastRun:
    """An outlet's latest crawl."""

    id: int
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    pages_crawled: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    errors: int


@dataclass(frozen=True)
class OutletView:
    """An outlet with its archive and crawl counts and its latest crawl."""

    name: str
    title: str
    base_url: str
    language: str
    timezone: str
    articles: int
    latest_article_at: dt.datetime | None
    runs: int
    failed_runs: int
    last_success_at: dt.datetime | None
    last_run: LastRun | None


_ARTICLE_SQL = text(
    """
    SELECT a.id, a.url, o.name AS outlet, o.title AS outlet_title,
           o.timezone AS outlet_timezone, a.title, a.subtitle, a.body, a.authors,
           a.section, a.tags, a.language, a.published_at, a.published_date,
           a.modified_at, a.first_seen_at, l.last_seen_at, a.content_hash,
           a.word_count, a.dateline
    FROM articles a JOIN outlets o ON o.id = a.outlet_id
    JOIN article_last_seen l ON l.article_id = a.id
    WHERE a.id = :id
    """
)

_REVISIONS_SQL = text(
    """
    SELECT title, subtitle, body, content_hash, first_seen_at, superseded_at, reason
    FROM article_revisions WHERE article_id = :id ORDER BY superseded_at, id
    """
)

# Same hash, another row: the same story under another URL, usually another outlet.
_COPIES_SQL = text(
    """
    SELECT a.id, a.url, o.name AS outlet, o.title AS outlet_title, a.published_at
    FROM articles a JOIN outlets o ON o.id = a.outlet_id
    WHERE a.content_hash = :hash AND a.id <> :id
    ORDER BY a.published_at NULLS LAST, a.id
    LIMIT 50
    """
)

_OUTLETS_SQL = text(
    """
    SELECT o.name, o.title, o.base_url, o.language, o.timezone,
           coalesce(art.n, 0) AS articles, art.latest AS latest_article_at,
           coalesce(runs.n, 0) AS runs, coalesce(runs.failed, 0) AS failed_runs,
           runs.last_success_at,
           last.id AS run_id, last.trigger, last.status, last.started_at, last.finished_at,
           last.pages_crawled, last.articles_new, last.articles_updated,
           last.articles_unchanged, last.errors
    FROM outlets o
    LEFT JOIN LATERAL (
        SELECT count(*) AS n, max(coalesce(published_at, first_seen_at)) AS latest
        FROM articles WHERE outlet_id = o.id
    ) art ON true
    LEFT JOIN LATERAL (
        SELECT count(*) AS n,
               count(*) FILTER (WHERE status IN ('failed', 'timed_out')) AS failed,
               max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at
        FROM crawl_runs WHERE outlet_id = o.id
    ) runs ON true
    LEFT JOIN LATERAL (
        SELECT * FROM crawl_runs WHERE outlet_id = o.id
        ORDER BY started_at DESC, id DESC LIMIT 1
    ) last ON true
    ORDER BY o.name
    """
)


def article_view(connection: Connection, article_id: int) -> ArticleView | None:
    """The article with this id, its versions oldest first and its copies; None if absent."""
    row = connection.execute(_ARTICLE_SQL, {"id": article_id}).mappings().first()
    if row is None:
        return None
    earlier = [
        Version(**revision)
        for revision in connection.execute(_REVISIONS_SQL, {"id": article_id}).mappings()
    ]
    current = Version(
        row["title"],
        row["subtitle"],
        row["body"],
        row["content_hash"],
        row["first_seen_at"] if not earlier else earlier[-1].superseded_at,
        None,
        None,
    )
    copies = [
        Copy(**copy)
        for copy in connection.execute(
            _COPIES_SQL, {"hash": row["content_hash"], "id": article_id}
        ).mappings()
    ]
    return ArticleView(**row, versions=[*earlier, current], copies=copies)


def outlet_views(connection: Connection) -> list[OutletView]:
    """Every outlet in the archive with its counts and latest crawl, by name."""
    return [_outlet(row) for row in connection.execute(_OUTLETS_SQL).mappings()]


def _outlet(row: Any) -> OutletView:
    last = None
    if row["run_id"] is not None:
        last = LastRun(
            id=row["run_id"],
            **{name: row[name] for name in LastRun.__dataclass_fields__ if name != "id"},
        )
    return OutletView(
        **{name: row[name] for name in OutletView.__dataclass_fields__ if name != "last_run"},
        last_run=last,
    )
