"""Writing the archive: outlets, idempotent article upserts with revisions, known URLs.

Everything is keyed on the canonical URL. A batch is one transaction: rows are
locked, edited articles have their previous text copied to ``article_revisions``,
then new and edited rows are copied to a staging table and written by one
``INSERT ... SELECT ... ON CONFLICT`` (:mod:`db.article_staging`), and articles seen
again only get ``last_seen_at`` in the narrow ``article_last_seen`` table (the wide
row, its TOASTed text and its GIN entries are not rewritten).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    bindparam,
    cast,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert

from db.article_staging import ARTICLE_FIELDS as ARTICLE_FIELDS
from db.article_staging import write_articles
from db.models import Article, ArticleLastSeen, ArticleRevision, Outlet


@dataclass
class StoreResult:
    """What one batch did, by URL."""

    new: list[str]
    updated: list[str]
    unchanged: list[str]


def upsert_outlet(connection: Connection, outlet: Mapping[str, Any]) -> int:
    """Insert or refresh an outlet row by ``name``; return its id."""
    statement = insert(Outlet).values(**outlet)
    statement = statement.on_conflict_do_update(
        index_elements=[Outlet.name],
        set_={key: statement.excluded[key] for key in outlet if key != "name"},
    ).returning(Outlet.id)
    return connection.execute(statement).scalar_one()


def outlet_id(connection: Connection, name: str) -> int | None:
    return connection.execute(select(Outlet.id).where(Outlet.name == name)).scalar_one_or_none()


def store_articles(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> StoreResult:
    """Upsert article rows (dicts of :data:`ARTICLE_FIELDS`), keeping earlier versions.

    Runs in the caller's transaction; the caller commits.
    """
    rows = list({row["url"]: row for row in rows}.values())  # last one wins within a batch
    urls = [row["url"] for row in rows]
    stored = connection.execute(
        select(Article.url, Article.id, Article.content_hash)
        .where(Article.url.in_(urls))
        .with_for_update()
    ).all()
    existing = {url: content_hash for url, _, content_hash in stored}
    new = [row for row in rows if row["url"] not in existing]
    changed = [
        row
        for row in rows
        if row["url"] in existing and existing[row["url"]] != row["content_hash"]
    ]
    unchanged = [row["url"] for row in rows if existing.get(row["url"]) == row["content_hash"]]

    if changed:
        keep_previous_versions(connection, [row["url"] for row in changed])
    to_write = new + changed
    if to_write:
        write_articles(connection, to_write)
    if stored:
        seen_again = [article_id for _, article_id, _ in stored]
        connection.execute(
            update(ArticleLastSeen)
            .where(ArticleLastSeen.article_id.in_(seen_again))
            .values(last_seen_at=func.now())
        )
    return StoreResult(
        new=[row["url"] for row in new],
        updated=[row["url"] for row in changed],
        unchanged=unchanged,
    )


def keep_previous_versions(connection: Connection, urls: list[str], reason: str = "crawl") -> None:
    """Copy the stored version of each article to ``article_revisions``, saying why it is
    replaced (``crawl`` or ``reextraction``)."""
    version_since = (
        select(func.max(ArticleRevision.superseded_at))
        .where(ArticleRevision.article_id == Article.id)
        .scalar_subquery()
    )
    connection.execute(
        insert(ArticleRevision).from_select(
            [
                "article_id",
                "title",
                "subtitle",
                "body",
                "content_hash",
                "modified_at",
                "first_seen_at",
                "reason",
            ],
            select(
                Article.id,
                Article.title,
                Article.subtitle,
                Article.body,
                Article.content_hash,
                Article.modified_at,
                func.coalesce(version_since, Article.first_seen_at),
                literal(reason),
            ).where(Article.url.in_(urls)),
        )
    )


def revise_article(
    connection: Connection, url: str, values: Mapping[str, Any], reason: str
) -> None:
    """Replace some fields of a stored article, keeping its previous version for ``reason``.

    ``values`` must carry ``content_hash`` and ``word_count`` when the text changes.
    """
    keep_previous_versions(connection, [url], reason)
    connection.execute(update(Article).where(Article.url == url).values(**values))


def known_urls(
    connection: Connection,
    outlet_name: str,
    revisit_days: float,
    revisit_interval: dt.timedelta,
) -> dict[str, bool]:
    """URLs archived for an outlet -> whether the revisit policy wants them fetched again.

    Recent articles (published, or first seen when the date is unknown, within
    ``revisit_days``) are revisited when last seen longer than ``revisit_interval``
    ago, to catch edits; older ones are not fetched again.
    """
    recent_since = func.now() - text("make_interval(secs => :window)").bindparams(
        bindparam("window", revisit_days * 86400.0)
    )
    due_before = func.now() - bindparam("interval", revisit_interval)
    published = func.coalesce(
        Article.published_at,
        cast(Article.published_date, DateTime(timezone=True)),
        Article.first_seen_at,
    )
    last_seen = ArticleLastSeen.last_seen_at
    statement = (
        select(Article.url, (published >= recent_since) & (last_seen <= due_before))
        .join(Outlet, Outlet.id == Article.outlet_id)
        .join(ArticleLastSeen, ArticleLastSeen.article_id == Article.id)
        .where(Outlet.name == outlet_name)
    )
    return {url: bool(revisit) for url, revisit in connection.execute(statement)}


def copies_of(connection: Connection, url: str) -> list[str]:
    """URLs of other articles with the same text (word-for-word copies, e.g. wire stories)."""
    article = select(Article.id, Article.content_hash).where(Article.url == url).subquery()
    statement = (
        select(Article.url)
        .join(article, Article.content_hash == article.c.content_hash)
        .where(Article.id != article.c.id)
        .order_by(Article.url)
    )
    return list(connection.execute(statement).scalars())
