"""the search index's pending-list limit set per session: 1 MB by default, larger for imports

Revision ID: bfbe808b93c7
Revises: 5e8b3d1f7a42
Create Date: 2026-12-07 23:40:00

Migration 9d4f2a6c8e31 gave ``ix_articles_search_recent`` a 1 MB pending list as an
index storage parameter. PostgreSQL uses the index's parameter over the session's
``gin_pending_list_limit``, so no session could have a larger list: a bulk import merged
it into the index every hundred articles or so, and those merges were about half of
the server's work per imported article.

The limit now comes from the session: 1 MB for every session of this database (a
setting of the database), which ``akhbar import`` raises in its own transactions only
(``db.importer.PENDING_LIST_LIMIT``) before it merges the list at its end. The
setting is kept by ``ALTER DATABASE``, so it needs the database's owner, and a
``pg_dump`` without ``--create`` does not carry it (sessions then have PostgreSQL's
default of 4 MB; ``ALTER DATABASE ... SET gin_pending_list_limit = '1MB'`` restores it).

Going down, the index's parameter is 1 MB again and the database's setting is removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "bfbe808b93c7"
down_revision: str | None = "5e8b3d1f7a42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_articles_search_recent"
PENDING_LIST_KB = 1024
COMMENT_BEFORE = (
    "The search index: search_vector plus the article's week lexeme "
    "(akhbar_recency_week_v1). Match with (search_vector || akhbar_recency_week_v1("
    "published_at, published_date)) @@ tsquery. fastupdate with a 1 MB pending list."
)
COMMENT = (
    "The search index: search_vector plus the article's week lexeme "
    "(akhbar_recency_week_v1). Match with (search_vector || akhbar_recency_week_v1("
    "published_at, published_date)) @@ tsquery. fastupdate; the pending list's limit is "
    "the session's gin_pending_list_limit (1 MB, a setting of the database; akhbar "
    "import raises it in its own transactions and merges the list at its end)."
)


def _database_setting(action: str) -> str:
    # ALTER DATABASE takes a name, not an expression: the name of this database.
    return f"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I {action}', current_database()); END $$"


def _comment(comment: str) -> str:
    return f"COMMENT ON INDEX {INDEX} IS '" + comment.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute(_database_setting(f"SET gin_pending_list_limit = ''{PENDING_LIST_KB}kB''"))
    op.execute(f"ALTER INDEX {INDEX} RESET (gin_pending_list_limit)")
    op.execute(_comment(COMMENT))


def downgrade() -> None:
    op.execute(_comment(COMMENT_BEFORE))
    op.execute(f"ALTER INDEX {INDEX} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
    op.execute(_database_setting("RESET gin_pending_list_limit"))
