"""jobs.result_seconds: the lengths of a job's results where KIE gives them (Suno's tracks),
so a follow-up can keep a section within the track (Suno replace-section).

Revision ID: 0015_result_seconds
Revises: 0014_chat_answers
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_result_seconds"
down_revision = "0014_chat_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable JSON column."""
    op.add_column("jobs", sa.Column("result_seconds", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("result_seconds")
