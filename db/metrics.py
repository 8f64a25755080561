"""What the daemon's Prometheus metrics are read from: one query over every outlet.

A scrape costs one round trip whatever the number of outlets: each outlet's
latest finished crawl and latest success are found through the
``(outlet_id, started_at)`` index, newest first, so their cost does not grow with
the history; only the article count reads the outlet's part of an index of
``articles``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

STATEMENT_TIMEOUT_MS = 10_000
"""A scrape must not hang on a stuck server; Prometheus gives up after ten seconds too."""

_OUTLETS = text(
    """
    SELECT o.name,
           (SELECT count(*) FROM articles a WHERE a.outlet_id = o.id) AS articles,
           last.status, last.started_at, last.finished_at, last.errors,
           success.finished_at AS succeeded_at
    FROM outlets o
    LEFT JOIN LATERAL (
        SELECT r.status, r.started_at, r.finished_at,
               (SELECT jsonb_object_agg(substr(e.key, length(:prefix) + 1), e.value)
                FROM jsonb_each(r.stats) e
                WHERE starts_with(e.key, :prefix)) AS errors
        FROM crawl_runs r
        WHERE r.outlet_id = o.id AND r.finished_at IS NOT NULL
        ORDER BY r.started_at DESC, r.id DESC
        LIMIT 1
    ) last ON true
    LEFT JOIN LATERAL (
        SELECT r.finished_at
        FROM crawl_runs r
        WHERE r.outlet_id = o.id AND r.status = 'succeeded'
        ORDER BY r.started_at DESC, r.id DESC
        LIMIT 1
    ) success ON true
    ORDER BY o.name
    """
)


@dataclass(frozen=True)
class OutletMetrics:
    """One outlet as the metrics show it."""

    outlet: str
    articles: int
    """Articles of the outlet in the archive."""
    last_status: str | None
    """Status of its latest finished crawl; None before its first crawl ends."""
    last_started: dt.datetime | None
    last_finished: dt.datetime | None
    last_succeeded: dt.datetime | None
    """When its latest ``succeeded`` crawl ended (degraded crawls are not successes)."""
    errors: dict[str, int] = field(default_factory=dict)
    """The latest finished crawl's errors by reason."""


def outlet_metrics(connection: Connection, error_prefix: str) -> list[OutletMetrics]:
    """Every outlet of the archive, by name.

    ``error_prefix`` is the crawl stats' key prefix of error counts by reason
    (``akhbar/errors/``; the crawler owns it, and ``db`` imports nothing of ours).
    """
    connection.execute(
        text("SELECT set_config('statement_timeout', :ms, true)"),
        {"ms": str(STATEMENT_TIMEOUT_MS)},
    )
    rows = connection.execute(_OUTLETS, {"prefix": error_prefix})
    return [
        OutletMetrics(
            outlet=row.name,
            articles=row.articles,
            last_status=row.status,
            last_started=row.started_at,
            last_finished=row.finished_at,
            last_succeeded=row.succeeded_at,
            errors={reason: int(count) for reason, count in (row.errors or {}).items()},
        )
        for row in rows
    ]
