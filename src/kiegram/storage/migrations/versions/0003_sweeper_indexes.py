"""Indexes for the orphan-hold sweeper: jobs.hold_key and free_uses.created_at.

The sweeper looks for open holds and recent free uses that no job carries (an anti-join on
``jobs.hold_key``); without an index each candidate scanned the whole jobs table, and the
free uses of the last week were found by scanning all of them.

Revision ID: 0003_sweeper_indexes
Revises: 0001_billing, 0001_jobs
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0003_sweeper_indexes"
down_revision = ("0001_billing", "0001_jobs")  # joins the two branches: it indexes both
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create both indexes."""
    op.create_index("ix_jobs_hold_key", "jobs", ["hold_key"])
    op.create_index("ix_free_uses_created_at", "free_uses", ["created_at"])


def downgrade() -> None:
    """Drop both indexes."""
    op.drop_index("ix_free_uses_created_at", table_name="free_uses")
    op.drop_index("ix_jobs_hold_key", table_name="jobs")
