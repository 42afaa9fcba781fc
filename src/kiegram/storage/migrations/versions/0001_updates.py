"""Handled Telegram updates (de-duplication across instances) and singleton locks.

Revision ID: 0001_updates
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_updates"
down_revision = None
branch_labels = ("updates",)
depends_on = None


def upgrade() -> None:
    """Create the handled_updates and singleton_locks tables."""
    op.create_table(
        "handled_updates",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_handled_updates")),
    )
    op.create_index(op.f("ix_handled_updates_expires_at"), "handled_updates", ["expires_at"])
    op.create_table(
        "singleton_locks",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_singleton_locks")),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("singleton_locks")
    op.drop_index(op.f("ix_handled_updates_expires_at"), table_name="handled_updates")
    op.drop_table("handled_updates")
