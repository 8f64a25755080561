"""one GIN search index (search_vector plus week), with a bounded pending list

Revision ID: 9d4f2a6c8e31
Revises: 3b9e1c7a5d20
Create Date: 2026-12-07 19:10:00

Two GIN indexes held nearly the same lexemes: ``ix_articles_search_vector`` (the
document) and ``ix_articles_search_recent`` (the document plus one week lexeme,
migration c3f8a1d5e7b2). A week lexeme matches no word, so every search can match
on the second one alone (``db/search.py``); the first is dropped, halving the GIN
entries each write adds and the space they take.

The remaining index gets ``fastupdate = on`` with ``gin_pending_list_limit = 1MB``:
new entries go to a pending list that is merged into the index in one pass when it
fills up (or at VACUUM), instead of ~300 random GIN insertions per article. It had
been turned off because a 4 MB list (the default), scanned by every search, slowed
rare-word queries from ~0.3 to ~11 ms after a burst of writes; a 1 MB list bounds
that to about a quarter (see benchmarks/README.md, "Write path").

Going down, the pending list is merged, fastupdate is turned off again and
``ix_articles_search_vector`` is built again (minutes per 100,000 articles).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "9d4f2a6c8e31"
down_revision: str | None = "3b9e1c7a5d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_LIST_KB = 1024
INDEX_COMMENT = (
    "The search index: search_vector plus the article's week lexeme "
    "(akhbar_recency_week_v1). Match with (search_vector || akhbar_recency_week_v1("
    "published_at, published_date)) @@ tsquery. fastupdate with a 1 MB pending list."
)


def upgrade() -> None:
    op.execute("DROP INDEX ix_articles_search_vector")
    op.execute(
        "ALTER INDEX ix_articles_search_recent"
        f" SET (fastupdate = on, gin_pending_list_limit = {PENDING_LIST_KB})"
    )
    op.execute(
        "COMMENT ON INDEX ix_articles_search_recent IS '" + INDEX_COMMENT.replace("'", "''") + "'"
    )


def downgrade() -> None:
    op.execute("COMMENT ON INDEX ix_articles_search_recent IS NULL")
    # Turning fastupdate off leaves the pending entries where they are: merge them first.
    op.execute("SELECT pg_catalog.gin_clean_pending_list('ix_articles_search_recent')")
    op.execute(
        "ALTER INDEX ix_articles_search_recent SET (fastupdate = off)"
        ", RESET (gin_pending_list_limit)"
    )
    op.execute(
        "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)"
        " WITH (fastupdate = off)"
    )
