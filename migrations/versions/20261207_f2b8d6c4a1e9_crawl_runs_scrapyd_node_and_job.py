"""crawl_runs.node and crawl_runs.scrapyd_job: where a scrapyd crawl ran

Revision ID: f2b8d6c4a1e9
Revises: e7c2f5a8b4d0
Create Date: 2026-12-07 10:00:00

With ``[scheduler] runner = "scrapyd"`` the daemon sends crawls to scrapyd nodes;
the run records which node and which job, so that the daemon finds the run of a
job it follows and a user sees where a crawl ran. Both NULL for a local crawl.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2b8d6c4a1e9"
down_revision: str | None = "e7c2f5a8b4d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "crawl_runs",
        sa.Column(
            "node",
            sa.Text(),
            nullable=True,
            comment="The scrapyd node that ran the crawl (its URL); NULL for a local process.",
        ),
    )
    op.add_column(
        "crawl_runs",
        sa.Column(
            "scrapyd_job",
            sa.Text(),
            nullable=True,
            comment="The crawl's job id on its scrapyd node; NULL for a local process.",
        ),
    )
    op.create_unique_constraint(op.f("uq_crawl_runs_scrapyd_job"), "crawl_runs", ["scrapyd_job"])


def downgrade() -> None:
    op.drop_constraint(op.f("uq_crawl_runs_scrapyd_job"), "crawl_runs", type_="unique")
    op.drop_column("crawl_runs", "scrapyd_job")
    op.drop_column("crawl_runs", "node")
