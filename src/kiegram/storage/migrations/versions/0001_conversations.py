"""Conversation (FSM) state.

Revision ID: 0001_conversations
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_conversations"
down_revision = None
branch_labels = ("conversations",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("state", sa.String(200), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversations")
