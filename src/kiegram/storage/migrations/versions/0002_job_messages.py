"""The job_messages table: the progress message of each job.

Revision ID: 0002_job_messages
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_job_messages"
down_revision = None
branch_labels = ("job_messages",)
depends_on = None


def upgrade() -> None:
    """Create the job_messages table."""
    op.create_table(
        "job_messages",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_messages")),
    )


def downgrade() -> None:
    """Drop the job_messages table."""
    op.drop_table("job_messages")
