"""users.held: the sum of a user's open holds, kept beside the balance.

It was summed over every hold the user ever had (an anti-join against their settlements)
in each money transaction and on each confirm: a cost that grew with the user's history.
The column is filled from the ledger here and moved in the same transactions as the balance.

Revision ID: 0004_users_held
Revises: 0003_sweeper_indexes
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_users_held"
down_revision = "0003_sweeper_indexes"
branch_labels = None
depends_on = None

OPEN_HOLDS = """
UPDATE users SET held = (
    SELECT coalesce(sum(-h.amount), 0) FROM ledger_entries h
    WHERE h.user_id = users.id AND h.kind = 'hold'
      AND NOT EXISTS (SELECT 1 FROM ledger_entries s WHERE s.settles = h.key)
)
"""


def upgrade() -> None:
    """Add the column and fill it from the ledger."""
    op.add_column("users", sa.Column("held", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute(OPEN_HOLDS)


def downgrade() -> None:
    """Drop the column (the ledger still has every hold)."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("held")
