"""last_seen_at in the narrow table article_last_seen: a re-visit no longer rewrites the article

Revision ID: 5e8b3d1f7a42
Revises: 9d4f2a6c8e31
Create Date: 2026-12-07 19:20:00

A re-crawl that sees an unchanged article only records when it saw it. As a column of
``articles`` that was an UPDATE of the wide row: a new version of the whole row (its
pages are full, so rarely a HOT update) with new entries in every index, ~300 of them
in the GIN search index. ``article_last_seen`` holds one row per article (article_id,
last_seen_at), so a re-visit rewrites ~40 bytes and one btree entry.

The trigger ``articles_last_seen`` gives every new article its row (last seen when
first seen), whoever inserts it; rows go with their article (ON DELETE CASCADE).
Existing values are copied, then ``articles.last_seen_at`` is dropped. Going down,
the column comes back with the values of the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e8b3d1f7a42"
down_revision: str | None = "9d4f2a6c8e31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_COMMENT = (
    "When a crawl last saw each article (one row per article, kept apart from the wide "
    "articles row so that a re-visit rewrites only this). Join on article_id = articles.id."
)
OLD_COLUMN_COMMENT = "When a crawl last saw the article (UTC)."


def upgrade() -> None:
    op.create_table(
        "article_last_seen",
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "articles.id",
                ondelete="CASCADE",
                name="fk_article_last_seen_article_id_articles",
            ),
            nullable=False,
            comment="The article (articles.id).",
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
            comment="When a crawl or an import last saw the article (UTC).",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_last_seen"),
        comment=TABLE_COMMENT,
    )
    op.execute(
        "INSERT INTO article_last_seen (article_id, last_seen_at)"
        " SELECT id, last_seen_at FROM articles"
    )
    op.execute(
        """
        CREATE FUNCTION public.akhbar_articles_last_seen_v1() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO public.article_last_seen (article_id, last_seen_at)
            VALUES (NEW.id, NEW.first_seen_at);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "COMMENT ON FUNCTION public.akhbar_articles_last_seen_v1() IS "
        "'Trigger of articles: a new article''s row in article_last_seen.'"
    )
    op.execute(
        "CREATE TRIGGER articles_last_seen AFTER INSERT ON articles"
        " FOR EACH ROW EXECUTE FUNCTION public.akhbar_articles_last_seen_v1()"
    )
    op.execute(
        "COMMENT ON TRIGGER articles_last_seen ON articles IS "
        "'Gives every new article its row in article_last_seen.'"
    )
    op.drop_column("articles", "last_seen_at")
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'akhbar_reader') THEN
                GRANT SELECT ON article_last_seen TO akhbar_reader;
            END IF;
        END
        $$;
        """
    )


def downgrade() -> None:
    op.add_column(
        "articles",
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
            comment=OLD_COLUMN_COMMENT,
        ),
    )
    op.execute(
        "UPDATE articles a SET last_seen_at = l.last_seen_at"
        " FROM article_last_seen l WHERE l.article_id = a.id"
    )
    op.execute("DROP TRIGGER articles_last_seen ON articles")
    op.execute("DROP FUNCTION public.akhbar_articles_last_seen_v1()")
    op.drop_table("article_last_seen")
