"""jobs.kie_credits: what KIE reported a task cost (creditsConsumed), for the margin report.

Revision ID: 0007_jobs_kie_credits
Revises: 0006_payments_currency
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_jobs_kie_credits"
down_revision = "0006_payments_currency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Unknown for the jobs so far."""
    op.add_column("jobs", sa.Column("kie_credits", sa.Numeric(18, 4), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    op.drop_column("jobs", "kie_credits")
