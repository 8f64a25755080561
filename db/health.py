"""An outlet's recent successful crawls: what its usual yield and fill rates are made of."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from db.models import CrawlRun, Outlet


def recent_successes(
    connection: Connection, outlet_name: str, limit: int, min_article_pages: int = 0
) -> list[dict[str, Any]]:
    """The outlet's last ``limit`` ``succeeded`` runs that fetched at least
    ``min_article_pages`` article pages, newest first.

    Degraded runs are left out: a broken extraction must not become the outlet's usual.
    """
    statement = (
        select(CrawlRun.__table__)
        .join(Outlet, Outlet.id == CrawlRun.outlet_id)
        .where(
            Outlet.name == outlet_name,
            CrawlRun.status == "succeeded",
            CrawlRun.article_pages >= min_article_pages,
        )
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in connection.execute(statement)]
