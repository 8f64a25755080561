"""create outlets, articles, article_revisions and crawl_runs

Revision ID: 372bc01f3706
Revises:
Create Date: 2026-12-02 07:54:36.258408
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "372bc01f3706"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column(
            "id", sa.Integer(), sa.Identity(always=False), nullable=False, comment="Surrogate key."
        ),
        sa.Column(
            "name",
            sa.Text(),
            nullable=False,
            comment="Spider name (scrapy crawl NAME), e.g. casablancatoday.",
        ),
        sa.Column(
            "title", sa.Text(), nullable=False, comment="Display title as the outlet writes it."
        ),
        sa.Column(
            "base_url",
            sa.Text(),
            nullable=False,
            comment="Production origin, e.g. https://www.x.com/.",
        ),
        sa.Column(
            "language",
            sa.Text(),
            nullable=False,
            comment="ISO 639-1 code of the outlet's main language.",
        ),
        sa.Column("country", sa.Text(), nullable=True, comment="ISO 3166-1 alpha-2 country code."),
        sa.Column(
            "timezone",
            sa.Text(),
            server_default="UTC",
            nullable=False,
            comment="IANA zone in which the outlet prints its times.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the outlet was first recorded (UTC).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlets")),
        sa.UniqueConstraint("name", name=op.f("uq_outlets_name")),
        comment="News outlets known to the archive, one per spider.",
    )
    op.create_table(
        "articles",
        sa.Column(
            "id",
            sa.BigInteger(),
            sa.Identity(always=False),
            nullable=False,
            comment="Surrogate key.",
        ),
        sa.Column(
            "url",
            sa.Text(),
            nullable=False,
            comment="Canonical URL on the production origin (rel=canonical or normalized).",
        ),
        sa.Column(
            "outlet_id", sa.Integer(), nullable=False, comment="The outlet that published it."
        ),
        sa.Column("title", sa.Text(), nullable=False, comment="Headline as published."),
        sa.Column(
            "subtitle", sa.Text(), nullable=True, comment="Kicker or spot next to the title."
        ),
        sa.Column(
            "body",
            sa.Text(),
            nullable=False,
            comment="Article paragraphs as published (NFC), separated by a blank line.",
        ),
        sa.Column(
            "authors",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
            comment="Named people credited; empty if none.",
        ),
        sa.Column(
            "section", sa.Text(), nullable=True, comment="Section name as shown on the page."
        ),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
            comment="Tags as shown on the page.",
        ),
        sa.Column(
            "language", sa.Text(), nullable=True, comment="ISO 639-1 code of the text, detected."
        ),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Publication instant (UTC); NULL when the page gives no time of day.",
        ),
        sa.Column(
            "published_date",
            sa.Date(),
            nullable=True,
            comment="Publication date in the outlet's time zone; NULL when unknown.",
        ),
        sa.Column(
            "modified_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Last modification instant stated by the page (UTC).",
        ),
        sa.Column(
            "first_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When a crawl first stored the article (UTC).",
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When a crawl last saw the article (UTC).",
        ),
        sa.Column(
            "content_hash",
            sa.Text(),
            nullable=False,
            comment="sha256 of the folded title and body; equal hashes are word-for-word copies.",
        ),
        sa.Column("word_count", sa.Integer(), nullable=False, comment="Words in the body."),
        sa.Column("image_url", sa.Text(), nullable=True, comment="Lead image URL."),
        sa.Column(
            "dateline", sa.Text(), nullable=True, comment="Place label or dateline of the report."
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlets.id"],
            name=op.f("fk_articles_outlet_id_outlets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("url", name=op.f("uq_articles_url")),
        comment="One row per article, keyed by its canonical URL; the latest version.",
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"], unique=False)
    op.create_index(
        "ix_articles_outlet_id_published_at",
        "articles",
        ["outlet_id", "published_at"],
        unique=False,
    )
    op.create_index("ix_articles_published_at", "articles", ["published_at"], unique=False)
    op.create_table(
        "crawl_runs",
        sa.Column(
            "id",
            sa.BigInteger(),
            sa.Identity(always=False),
            nullable=False,
            comment="Surrogate key.",
        ),
        sa.Column("outlet_id", sa.Integer(), nullable=False, comment="The outlet crawled."),
        sa.Column(
            "trigger",
            sa.Text(),
            nullable=False,
            comment="manual (akhbar crawl) or scheduled (daemon).",
        ),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the crawl started (UTC).",
        ),
        sa.Column(
            "finished_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When it ended (UTC); NULL while running.",
        ),
        sa.Column(
            "status",
            sa.Text(),
            server_default="running",
            nullable=False,
            comment="running, succeeded, failed, timed_out or interrupted.",
        ),
        sa.Column(
            "pages_crawled",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Responses received.",
        ),
        sa.Column(
            "articles_new",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Articles stored for the first time.",
        ),
        sa.Column(
            "articles_updated",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Articles whose text changed (a revision was kept).",
        ),
        sa.Column(
            "articles_unchanged",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Articles seen again unchanged.",
        ),
        sa.Column(
            "errors",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Pages or items that failed (HTTP errors, unparseable pages, rejected items).",
        ),
        sa.Column(
            "error_summary",
            sa.Text(),
            nullable=True,
            comment="Counts of failures by reason, one per line.",
        ),
        sa.Column(
            "log_tail",
            sa.Text(),
            nullable=True,
            comment="Last lines of the crawl's log on failure.",
        ),
        sa.Column(
            "stats",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Scrapy's own crawl statistics, for diagnosis.",
        ),
        sa.Column("hostname", sa.Text(), nullable=True, comment="Host that ran the crawl."),
        sa.Column(
            "pid", sa.Integer(), nullable=True, comment="Process id of the crawl on that host."
        ),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed', 'timed_out', 'interrupted')",
            name=op.f("ck_crawl_runs_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('manual', 'scheduled')", name=op.f("ck_crawl_runs_trigger")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlets.id"],
            name=op.f("fk_crawl_runs_outlet_id_outlets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
        comment="One row per crawl of an outlet: when, why, how it ended and what it found.",
    )
    op.create_index(
        "ix_crawl_runs_outlet_id_started_at",
        "crawl_runs",
        ["outlet_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "article_revisions",
        sa.Column(
            "id",
            sa.BigInteger(),
            sa.Identity(always=False),
            nullable=False,
            comment="Surrogate key.",
        ),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            nullable=False,
            comment="The article this was an earlier version of.",
        ),
        sa.Column("title", sa.Text(), nullable=False, comment="Headline of that version."),
        sa.Column("subtitle", sa.Text(), nullable=True, comment="Subtitle of that version."),
        sa.Column("body", sa.Text(), nullable=False, comment="Body of that version."),
        sa.Column(
            "content_hash", sa.Text(), nullable=False, comment="content_hash of that version."
        ),
        sa.Column(
            "modified_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Modification instant that version stated, if any (UTC).",
        ),
        sa.Column(
            "first_seen_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When that version was first stored (UTC).",
        ),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When a crawl saw the next version (UTC).",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
        comment="Earlier versions of articles, kept when a re-crawl saw an edit.",
    )
    op.create_index(
        op.f("ix_article_revisions_article_id"), "article_revisions", ["article_id"], unique=False
    )


def downgrade() -> None:
    # The scheduler's job store (APScheduler creates it, autogenerate leaves it out) lives
    # in the archive's database too: downgrading to base must leave nothing of Akhbar's.
    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")
    op.drop_index(op.f("ix_article_revisions_article_id"), table_name="article_revisions")
    op.drop_table("article_revisions")
    op.drop_index("ix_crawl_runs_outlet_id_started_at", table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_index("ix_articles_published_at", table_name="articles")
    op.drop_index("ix_articles_outlet_id_published_at", table_name="articles")
    op.drop_index("ix_articles_content_hash", table_name="articles")
    op.drop_table("articles")
    op.drop_table("outlets")
