"""crawl_runs extraction health: yield (article pages -> articles) and per-field fill rates

Revision ID: 080bb1a7f0b4
Revises: f2b8d6c4a1e9
Create Date: 2026-12-07 14:00:00

A site that changes its templates still answers 200: a crawl can fetch every page
and read little from them. Each run now records how many article pages it fetched,
how many articles it extracted from them, how many article URLs discovery found,
and for each field the share of its stored articles that have it, so a drop shows
in SQL (``WHERE fill_published < 0.5``). Earlier runs keep 0 and NULL: not measured.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "080bb1a7f0b4"
down_revision: str | None = "f2b8d6c4a1e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = {
    "article_pages": (
        "Article pages fetched: 2xx responses to article URLs that reached the spider."
    ),
    "articles_extracted": (
        "Articles read from those pages that passed validation (stored or spooled)."
    ),
    "article_urls_found": (
        "Article URLs discovery found (sitemaps, feeds, listings): requested, or "
        "skipped as already archived (a URL named twice may count twice)."
    ),
}
FILLED = {
    "title": "a title",
    "body": "a body",
    "published": "a publication date or time",
    "authors": "at least one author",
    "section": "a section",
    "tags": "at least one tag",
    "image": "a lead image",
}


def _fill_comment(what: str) -> str:
    return (
        f"Share (0 to 1) of the articles this crawl stored that have {what}; "
        "NULL when it stored none."
    )


def upgrade() -> None:
    for name, comment in COUNTS.items():
        op.add_column(
            "crawl_runs",
            sa.Column(
                name, sa.Integer(), server_default=sa.text("0"), nullable=False, comment=comment
            ),
        )
    for field, what in FILLED.items():
        op.add_column(
            "crawl_runs",
            sa.Column(f"fill_{field}", sa.Double(), nullable=True, comment=_fill_comment(what)),
        )


def downgrade() -> None:
    for field in reversed(FILLED):
        op.drop_column("crawl_runs", f"fill_{field}")
    for name in reversed(COUNTS):
        op.drop_column("crawl_runs", name)
