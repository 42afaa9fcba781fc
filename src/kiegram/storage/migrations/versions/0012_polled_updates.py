"""The polled_updates table: updates long polling fetched, kept until handled (issue #26).

Revision ID: 0012_polled_updates
Revises: 0011_job_sends
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_polled_updates"
down_revision = "0011_job_sends"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the polled_updates table."""
    op.create_table(
        "polled_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_polled_updates")),
    )


def downgrade() -> None:
    """Drop the polled_updates table."""
    op.drop_table("polled_updates")
