"""captures: where each fetched article response is kept in a WARC file

Revision ID: d4a9e6b3c1f8
Revises: c3f8a1d5e7b2
Create Date: 2026-12-06 18:00:00

A crawl writes every article response it fetches to WARC files (see README,
"Keeping what was fetched"); ``captures`` has one row per fetch, pointing at the
record, so that ``akhbar reextract`` can read the response again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4a9e6b3c1f8"
down_revision: str | None = "c3f8a1d5e7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "captures",
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
            comment="URL fetched (WARC-Target-URI), before canonicalization.",
        ),
        sa.Column("outlet_id", sa.Integer(), nullable=False, comment="The outlet crawled."),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            nullable=True,
            comment="The article extracted from the response.",
        ),
        sa.Column(
            "crawl_run_id",
            sa.BigInteger(),
            nullable=True,
            comment="The crawl that fetched it; NULL when the crawl could not be recorded.",
        ),
        sa.Column(
            "fetched_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When the response arrived (UTC).",
        ),
        sa.Column(
            "http_status",
            sa.Integer(),
            nullable=False,
            comment="HTTP status code of the response.",
        ),
        sa.Column(
            "payload_digest",
            sa.Text(),
            nullable=False,
            comment="WARC-Payload-Digest of the body as the spider read it: sha1:BASE32.",
        ),
        sa.Column(
            "record_type",
            sa.Text(),
            nullable=False,
            comment=(
                "response (the body is in this record) or revisit (the body equals the URL's "
                "previous capture with the same payload_digest, which holds it)."
            ),
        ),
        sa.Column(
            "warc_file", sa.Text(), nullable=False, comment="Absolute path of the .warc.gz file."
        ),
        sa.Column(
            "warc_offset",
            sa.BigInteger(),
            nullable=False,
            comment="Byte offset of the record in warc_file.",
        ),
        sa.Column(
            "warc_length",
            sa.BigInteger(),
            nullable=False,
            comment="Length in bytes of the record (one gzip member) in warc_file.",
        ),
        sa.CheckConstraint(
            "record_type IN ('response', 'revisit')", name=op.f("ck_captures_record_type")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_captures_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_captures_crawl_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlets.id"],
            name=op.f("fk_captures_outlet_id_outlets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        comment=(
            "One row per article page fetched: where its response is kept in a WARC file "
            "(warc_file, warc_offset, warc_length: one gzip member)."
        ),
    )
    op.create_index(op.f("ix_captures_article_id"), "captures", ["article_id"])
    op.create_index(op.f("ix_captures_crawl_run_id"), "captures", ["crawl_run_id"])
    op.create_index("ix_captures_url_fetched_at", "captures", ["url", "fetched_at"])
    op.create_index("ix_captures_outlet_id_fetched_at", "captures", ["outlet_id", "fetched_at"])


def downgrade() -> None:
    op.drop_table("captures")
