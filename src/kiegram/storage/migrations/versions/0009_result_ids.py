"""jobs.result_ids: the per-item ids of a job's results (Suno's audioId), for follow-ups.

Revision ID: 0009_result_ids
Revises: 0008_result_files
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_result_ids"
down_revision = "0008_result_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("result_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("result_ids")
