"""article_revisions.reason: crawl or reextraction

Revision ID: e7c2f5a8b4d0
Revises: d4a9e6b3c1f8
Create Date: 2026-12-06 18:05:00

``akhbar reextract`` repairs articles from their stored responses; the version it
replaces is kept like any other, marked ``reextraction`` so that an edit by the
outlet and a fix of our extraction can be told apart. Existing rows are ``crawl``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7c2f5a8b4d0"
down_revision: str | None = "d4a9e6b3c1f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_COMMENT = (
    "Earlier versions of articles, kept when a re-crawl saw an edit or a "
    "re-extraction of the stored response changed the article."
)
OLD_TABLE_COMMENT = "Earlier versions of articles, kept when a re-crawl saw an edit."


def upgrade() -> None:
    op.add_column(
        "article_revisions",
        sa.Column(
            "reason",
            sa.Text(),
            server_default="crawl",
            nullable=False,
            comment=(
                "Why the next version replaced this one: crawl (the page changed) or "
                "reextraction (akhbar reextract read the stored response again)."
            ),
        ),
    )
    op.create_check_constraint(
        op.f("ck_article_revisions_reason"),
        "article_revisions",
        "reason IN ('crawl', 'reextraction')",
    )
    op.create_table_comment("article_revisions", TABLE_COMMENT, existing_comment=OLD_TABLE_COMMENT)


def downgrade() -> None:
    op.create_table_comment("article_revisions", OLD_TABLE_COMMENT, existing_comment=TABLE_COMMENT)
    op.drop_constraint(op.f("ck_article_revisions_reason"), "article_revisions", type_="check")
    op.drop_column("article_revisions", "reason")
