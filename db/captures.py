"""The ``captures`` table: where each fetched article response is kept in a WARC file.

A crawl records its captures in the transaction that stores their articles
(:func:`record_captures`), and so does a spool replay (:func:`record_captures_once`);
``akhbar reextract`` reads back the latest capture of each article (:func:`latest_captures`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

CAPTURE_FIELDS = (
    "url",
    "fetched_at",
    "http_status",
    "payload_digest",
    "record_type",
    "warc_file",
    "warc_offset",
    "warc_length",
    "crawl_run_id",
)

_INSERT = text(
    """
    INSERT INTO captures (url, outlet_id, article_id, crawl_run_id, fetched_at, http_status,
                          payload_digest, record_type, warc_file, warc_offset, warc_length)
    SELECT :url, :outlet_id, (SELECT id FROM articles WHERE url = :article_url),
           (SELECT id FROM crawl_runs WHERE id = :crawl_run_id), :fetched_at, :http_status,
           :payload_digest, :record_type, :warc_file, :warc_offset, :warc_length
    """
)


_INSERT_ONCE = text(
    _INSERT.text
    + """
    WHERE NOT EXISTS (
        SELECT 1 FROM captures k
        WHERE k.url = :url AND k.fetched_at = :fetched_at
          AND k.warc_file = :warc_file AND k.warc_offset = :warc_offset
    )
    """
)


def record_captures(connection: Connection, captures: Sequence[Mapping[str, Any]]) -> None:
    """Insert capture rows (:data:`CAPTURE_FIELDS` plus ``outlet_id`` and ``article_url``, the
    canonical URL of the article stored from it). Runs in the caller's transaction."""
    if captures:
        connection.execute(_INSERT, [dict(capture) for capture in captures])


def record_captures_once(connection: Connection, captures: Sequence[Mapping[str, Any]]) -> None:
    """:func:`record_captures`, skipping a capture already recorded (the same record of the
    same file): what a spool replay that may run twice over the same lines needs."""
    if captures:
        connection.execute(_INSERT_ONCE, [dict(capture) for capture in captures])


def last_captures(connection: Connection, outlet_name: str) -> dict[str, tuple[str, dt.datetime]]:
    """Fetched URL -> (payload digest, fetched at) of its latest capture, for an outlet."""
    rows = connection.execute(
        text(
            """
            SELECT DISTINCT ON (c.url) c.url, c.payload_digest, c.fetched_at
            FROM captures c JOIN outlets o ON o.id = c.outlet_id
            WHERE o.name = :outlet
            ORDER BY c.url, c.fetched_at DESC
            """
        ),
        {"outlet": outlet_name},
    )
    return {url: (digest, fetched_at) for url, digest, fetched_at in rows}


@dataclass(frozen=True)
class StoredCapture:
    """The latest capture of an article, located where its payload is (a revisit's
    payload is in the earlier response record with the same digest)."""

    capture_id: int
    article_id: int
    url: str
    fetched_at: dt.datetime
    payload_digest: str
    warc_file: str | None
    """None when no response record holds the payload (it was deleted)."""
    warc_offset: int | None
    warc_length: int | None


def latest_captures(
    connection: Connection, outlet_id: int, since: dt.datetime | None = None
) -> list[StoredCapture]:
    """The latest capture of each article of an outlet (fetched since ``since``), by article."""
    rows = connection.execute(
        text(
            """
            SELECT DISTINCT ON (c.article_id)
                   c.id, c.article_id, c.url, c.fetched_at, c.payload_digest,
                   p.warc_file, p.warc_offset, p.warc_length
            FROM captures c
            LEFT JOIN LATERAL (
                SELECT o.warc_file, o.warc_offset, o.warc_length
                FROM captures o
                WHERE o.url = c.url AND o.payload_digest = c.payload_digest
                  AND o.record_type = 'response' AND o.fetched_at <= c.fetched_at
                ORDER BY o.fetched_at DESC
                LIMIT 1
            ) p ON true
            WHERE c.outlet_id = :outlet_id AND c.article_id IS NOT NULL
              AND (CAST(:since AS timestamptz) IS NULL OR c.fetched_at >= :since)
            ORDER BY c.article_id, c.fetched_at DESC, c.id DESC
            """
        ),
        {"outlet_id": outlet_id, "since": since},
    )
    return [StoredCapture(*row) for row in rows]


def captured_outlets(connection: Connection) -> dict[str, str]:
    """Name -> base URL of the outlets that have captures, by name."""
    rows = connection.execute(
        text(
            "SELECT name, base_url FROM outlets o"
            " WHERE EXISTS (SELECT 1 FROM captures c WHERE c.outlet_id = o.id) ORDER BY name"
        )
    )
    return dict(rows.tuples().all())


def captured_already(
    connection: Connection, fetches: Sequence[tuple[str, dt.datetime, str]]
) -> set[tuple[str, dt.datetime, str]]:
    """Those of ``(url, fetched at, payload digest)`` that have a capture: what an import
    of someone else's WARC file has already brought in."""
    if not fetches:
        return set()
    urls, times, digests = (list(column) for column in zip(*fetches, strict=True))
    rows = connection.execute(
        text(
            """
            SELECT c.url, c.fetched_at, c.payload_digest
            FROM captures c
            JOIN unnest(CAST(:urls AS text[]), CAST(:times AS timestamptz[]),
                        CAST(:digests AS text[])) AS k(url, fetched_at, digest)
              ON c.url = k.url AND c.fetched_at = k.fetched_at AND c.payload_digest = k.digest
            """
        ),
        {"urls": urls, "times": times, "digests": digests},
    )
    return {(url, fetched_at, digest) for url, fetched_at, digest in rows}


def latest_of_urls(
    connection: Connection, urls: Sequence[str]
) -> dict[str, tuple[str, dt.datetime]]:
    """URL -> (payload digest, fetched at) of its latest capture, whatever the outlet."""
    rows = connection.execute(
        text(
            """
            SELECT DISTINCT ON (url) url, payload_digest, fetched_at
            FROM captures WHERE url = ANY(:urls)
            ORDER BY url, fetched_at DESC
            """
        ),
        {"urls": list(urls)},
    )
    return {url: (digest, fetched_at) for url, digest, fetched_at in rows}


def outlet_bases(connection: Connection) -> dict[str, str]:
    """Name -> base URL of every outlet of the archive."""
    rows = connection.execute(text("SELECT name, base_url FROM outlets ORDER BY id"))
    return dict(rows.tuples().all())
