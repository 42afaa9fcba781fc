"""payments.currency: card top-ups next to Stars (XTR); `stars` holds the amount in the
currency's smallest units (stars for XTR, kopecks for RUB).

Revision ID: 0006_payments_currency
Revises: 0005_users_held_check
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_payments_currency"
down_revision = "0005_users_held_check"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Every payment so far was in Stars."""
    op.add_column(
        "payments",
        sa.Column("currency", sa.String(8), nullable=False, server_default="XTR"),
    )


def downgrade() -> None:
    """Drop the column (SQLite 3.35+ drops columns in place)."""
    op.drop_column("payments", "currency")
