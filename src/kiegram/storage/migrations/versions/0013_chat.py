"""The chat_messages table: the chat section's conversations (issue #25).

Revision ID: 0013_chat
Revises: 0012_polled_updates
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_chat"
down_revision = "0012_polled_updates"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the chat_messages table and its per-user index."""
    op.create_table(
        "chat_messages",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("conv", sa.String(32), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("images", sa.Text(), nullable=True),
        sa.Column("tokens", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    op.create_index("ix_chat_messages_user_id_id", "chat_messages", ["user_id", "id"])


def downgrade() -> None:
    """Drop the chat_messages table."""
    op.drop_index("ix_chat_messages_user_id_id", table_name="chat_messages")
    op.drop_table("chat_messages")
