"""One archived article: ``/articles/{id}`` (the page) and ``/api/articles/{id}`` (JSON).

The page shows the current version, when it was published (in the outlet's zone
and in UTC), a link to the original, its earlier versions with a word-level diff
between each and the next, and the other copies of the same story.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from akhbar.web.diff import Piece, changed, word_diff
from akhbar.web.site import Site
from db.archive_views import ArticleView, Version, article_view

MAX_ID = 2**63 - 1  # articles.id is a bigint: a larger id is a 422, not a database error
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="The article's id (search `id`).")]


class RevisionOut(BaseModel):
    """One version of the article; the last of the list is the current one."""

    title: str
    subtitle: str | None
    body: str
    content_hash: str
    first_seen_at: dt.datetime | None
    superseded_at: dt.datetime | None
    reason: str | None


class CopyOut(BaseModel):
    """Another article with the same content_hash (usually another outlet's copy)."""

    id: int
    url: str
    outlet: str
    published_at: dt.datetime | None


class ArticleOut(BaseModel):
    """An archived article with every version of its text and its copies."""

    id: int
    url: str
    outlet: str
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
    revisions: list[RevisionOut]
    copies: list[CopyOut]


class Change:
    """What changed from one version to the next, for the page."""

    def __init__(self, number: int, before: Version, after: Version) -> None:
        self.number = number
        self.before = before
        self.after = after
        self.title: list[Piece] = word_diff(before.title, after.title, context=None)
        self.subtitle: list[Piece] = word_diff(
            before.subtitle or "", after.subtitle or "", context=None
        )
        self.body: list[Piece] = word_diff(before.body, after.body)
        self.title_changed = changed(self.title)
        self.subtitle_changed = changed(self.subtitle)
        self.body_changed = changed(self.body)


def changes(article: ArticleView) -> list[Change]:
    """Each version against the next, newest change first."""
    versions = article.versions
    found = [Change(i + 1, versions[i], versions[i + 1]) for i in range(len(versions) - 1)]
    return found[::-1]


def article_out(article: ArticleView) -> ArticleOut:
    return ArticleOut(
        **{
            name: getattr(article, name)
            for name in ArticleOut.model_fields
            if name not in ("revisions", "copies")
        },
        revisions=[RevisionOut(**vars(version)) for version in article.versions],
        copies=[
            CopyOut(id=c.id, url=c.url, outlet=c.outlet, published_at=c.published_at)
            for c in article.copies
        ],
    )


class ArticleNotFound(HTTPException):
    """No article has this id (a 404 page or JSON, by path)."""

    def __init__(self, article_id: int) -> None:
        super().__init__(404, f"no article with id {article_id}")


def add_article_routes(app: FastAPI, site: Site) -> None:
    def load(article_id: int) -> ArticleView:
        with site.engine.connect() as connection:
            article = article_view(connection, article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        return article

    @app.get(
        "/api/articles/{article_id}",
        response_model=ArticleOut,
        tags=["articles"],
        responses={404: {"description": "No article has this id."}},
    )
    def api_article(article_id: ArticleId) -> ArticleOut:
        """An article as archived, with every version of its text (oldest first) and its
        word-for-word copies (same ``content_hash``)."""
        return article_out(load(article_id))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: ArticleId) -> HTMLResponse:
        article = load(article_id)
        return site.render(
            request,
            "article.html",
            {
                "article": article,
                "paragraphs": [p for p in article.body.split("\n\n") if p.strip()],
                "changes": changes(article),
            },
        )
