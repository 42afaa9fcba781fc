"""The chat_answers table: chat answers in flight, settled by any instance (issue #26).

Revision ID: 0014_chat_answers
Revises: 0013_chat
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_chat_answers"
down_revision = "0013_chat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the chat_answers table and its indexes."""
    op.create_table(
        "chat_answers",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("conv", sa.String(32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("images", sa.Text(), nullable=True),
        sa.Column("hold", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("cancel", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_chat_answers")),
    )
    op.create_index("ix_chat_answers_user_id", "chat_answers", ["user_id"])
    op.create_index("ix_chat_answers_lease_until", "chat_answers", ["lease_until"])
    running = sa.text("state != 'retry'")  # one answer running or settling per user
    op.create_index(
        "ux_chat_answers_running",
        "chat_answers",
        ["user_id"],
        unique=True,
        sqlite_where=running,
        postgresql_where=running,
    )


def downgrade() -> None:
    """Drop the chat_answers table."""
    op.drop_index("ux_chat_answers_running", table_name="chat_answers")
    op.drop_index("ix_chat_answers_lease_until", table_name="chat_answers")
    op.drop_index("ix_chat_answers_user_id", table_name="chat_answers")
    op.drop_table("chat_answers")
