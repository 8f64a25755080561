"""crawl_runs status degraded, and degraded_reason: a crawl that read far less than usual

Revision ID: 7c836014085f
Revises: 080bb1a7f0b4
Create Date: 2026-12-07 15:00:00

A crawl that stored articles but whose yield, a field's fill rate or discovery fell
far below its outlet's usual (the median of its last successful crawls) is recorded
``degraded``, with what dropped from what to what in ``degraded_reason``. Going down,
degraded runs become ``succeeded`` (what they were recorded as before) and lose
their reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c836014085f"
down_revision: str | None = "080bb1a7f0b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "('running', 'succeeded', 'failed', 'timed_out', 'interrupted')"
NEW_STATUSES = "('running', 'succeeded', 'degraded', 'failed', 'timed_out', 'interrupted')"
OLD_STATUS_COMMENT = "running, succeeded, failed, timed_out or interrupted."
NEW_STATUS_COMMENT = (
    "running, succeeded, degraded (stored articles, but read far less from its "
    "pages than the outlet usually gives: see degraded_reason), failed, timed_out "
    "or interrupted."
)
REASON_COMMENT = (
    "Why the crawl is degraded: what fell far below the outlet's usual (median of its "
    "last successful crawls), from what to what, '; ' between reasons."
)


def _status_check(statuses: str, comment: str, old_comment: str) -> None:
    op.drop_constraint(op.f("ck_crawl_runs_status"), "crawl_runs", type_="check")
    op.create_check_constraint(op.f("ck_crawl_runs_status"), "crawl_runs", f"status IN {statuses}")
    op.alter_column(
        "crawl_runs",
        "status",
        existing_type=sa.Text(),
        existing_nullable=False,
        existing_server_default="running",
        comment=comment,
        existing_comment=old_comment,
    )


def upgrade() -> None:
    _status_check(NEW_STATUSES, NEW_STATUS_COMMENT, OLD_STATUS_COMMENT)
    op.add_column(
        "crawl_runs", sa.Column("degraded_reason", sa.Text(), nullable=True, comment=REASON_COMMENT)
    )


def downgrade() -> None:
    op.drop_column("crawl_runs", "degraded_reason")
    op.execute("UPDATE crawl_runs SET status = 'succeeded' WHERE status = 'degraded'")
    _status_check(OLD_STATUSES, OLD_STATUS_COMMENT, NEW_STATUS_COMMENT)
