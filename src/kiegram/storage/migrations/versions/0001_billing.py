"""The money tables: users, ledger entries, payments, free uses, referrals, model switches.

Revision ID: 0001_billing
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_billing"
down_revision = None
branch_labels = ("billing",)
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("referrer_id", sa.BigInteger(), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_users_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["users.id"], name=op.f("fk_users_referrer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_username"), "users", ["username"])


def _ledger() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("settles", sa.String(200), nullable=True),
        sa.Column("job_id", sa.String(64), nullable=True),
        sa.Column("payment_id", sa.String(200), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_entries_key")),
        sa.UniqueConstraint("settles", name=op.f("uq_ledger_entries_settles")),
    )
    op.create_index(op.f("ix_ledger_entries_user_id"), "ledger_entries", ["user_id"])
    op.create_index("ix_ledger_entries_kind_created_at", "ledger_entries", ["kind", "created_at"])


def _payments() -> None:
    op.create_table(
        "payments",
        sa.Column("charge_id", sa.String(200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("stars", sa.BigInteger(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("refunded_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_payments_user_id_users")),
        sa.PrimaryKeyConstraint("charge_id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_user_id"), "payments", ["user_id"])


def _free_uses_and_referrals() -> None:
    op.create_table(
        "free_uses",
        sa.Column("job_key", sa.String(200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_free_uses_user_id_users")),
        sa.PrimaryKeyConstraint("job_key", name=op.f("pk_free_uses")),
    )
    op.create_index("ix_free_uses_user_id_day", "free_uses", ["user_id", "day"])
    op.create_table(
        "referrals",
        sa.Column("invited_id", sa.BigInteger(), nullable=False),
        sa.Column("referrer_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("rewarded_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_id"], ["users.id"], name=op.f("fk_referrals_invited_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["users.id"], name=op.f("fk_referrals_referrer_id_users")
        ),
        sa.PrimaryKeyConstraint("invited_id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_referrer_id"), "referrals", ["referrer_id"])


def _switches() -> None:
    op.create_table(
        "model_switches",
        sa.Column("model_id", sa.String(120), nullable=False),
        sa.Column("option", sa.String(200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("model_id", "option", name=op.f("pk_model_switches")),
    )


def upgrade() -> None:
    """Create the money tables."""
    _users()
    _ledger()
    _payments()
    _free_uses_and_referrals()
    _switches()


def downgrade() -> None:
    """Drop the money tables."""
    for table in ("model_switches", "referrals", "free_uses", "payments", "ledger_entries"):
        op.drop_table(table)
    op.drop_table("users")
