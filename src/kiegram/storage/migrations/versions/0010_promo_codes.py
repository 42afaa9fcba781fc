"""Promo codes: what each gives, how many uses it has and has had, until when it works.

Revision ID: 0010_promo_codes
Revises: 0009_result_ids
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_promo_codes"
down_revision = "0009_result_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The promo_codes table."""
    op.create_table(
        "promo_codes",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("used <= max_uses", name="ck_promo_codes_used_within_max"),
        sa.PrimaryKeyConstraint("code", name="pk_promo_codes"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("promo_codes")
