"""The result_files table (Telegram file ids of delivered results) and the jobs index that
finds a model's recent durations and waiting jobs.

Revision ID: 0008_result_files
Revises: 0007_jobs_kie_credits
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_result_files"
down_revision = "0007_jobs_kie_credits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the result_files table and the jobs (model_id, state, updated_at) index."""
    op.create_table(
        "result_files",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_id", sa.String(256), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "idx", name=op.f("pk_result_files")),
    )
    op.create_index(
        "ix_jobs_model_id_state_updated_at", "jobs", ["model_id", "state", "updated_at"]
    )


def downgrade() -> None:
    """Drop both."""
    op.drop_index("ix_jobs_model_id_state_updated_at", table_name="jobs")
    op.drop_table("result_files")
