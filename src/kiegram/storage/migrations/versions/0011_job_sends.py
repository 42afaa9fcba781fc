"""The job_sends table: each message of a job's result that Telegram accepted.

A delivery that a crash interrupted resumes with what is missing (`storage.job_sends`).

Revision ID: 0011_job_sends
Revises: 0010_promo_codes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_job_sends"
down_revision = "0010_promo_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the job_sends table."""
    op.create_table(
        "job_sends",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "step", name=op.f("pk_job_sends")),
    )


def downgrade() -> None:
    """Drop the job_sends table."""
    op.drop_table("job_sends")
