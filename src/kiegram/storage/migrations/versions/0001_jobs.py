"""The jobs table: durable generation jobs.

Revision ID: 0001_jobs
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_jobs"
down_revision = None
branch_labels = ("jobs",)
depends_on = None


def upgrade() -> None:
    """Create the jobs table and its indexes."""
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("model_id", sa.String(128), nullable=False),
        sa.Column("api", sa.String(32), nullable=False),
        sa.Column("output", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("cost", sa.Numeric(18, 4), nullable=False),
        sa.Column("hold_key", sa.String(128), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("result_urls", sa.JSON(), nullable=False),
        sa.Column("result_text", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index("ix_jobs_task_id", "jobs", ["task_id"], unique=True)
    op.create_index("ix_jobs_state_next_poll_at", "jobs", ["state", "next_poll_at"])
    op.create_index("ix_jobs_user_id", "jobs", ["user_id"])


def downgrade() -> None:
    """Drop the jobs table."""
    op.drop_index("ix_jobs_user_id", table_name="jobs")
    op.drop_index("ix_jobs_state_next_poll_at", table_name="jobs")
    op.drop_index("ix_jobs_task_id", table_name="jobs")
    op.drop_table("jobs")
