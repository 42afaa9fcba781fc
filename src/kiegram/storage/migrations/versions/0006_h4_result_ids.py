"""jobs.result_ids: the per-item ids of a job's results (Suno's audioId), for follow-ups.

Revision ID: 0006_h4_result_ids
Revises: 0005_users_held_check
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_h4_result_ids"
down_revision = "0005_users_held_check"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("result_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("result_ids")
