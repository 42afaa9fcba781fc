"""users.held never below zero, as users.balance: the database refuses it, not only the ledger.

On PostgreSQL a CHECK constraint. SQLite adds no CHECK to an existing table without copying it
(Alembic's batch mode, which cannot run with foreign keys on inside the migration's
transaction), so there a trigger refuses the write with the same constraint name; Python's
sqlite3 raises it as an IntegrityError, as a CHECK's.

Revision ID: 0005_users_held_check
Revises: 0004_users_held
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005_users_held_check"
down_revision = "0004_users_held"
branch_labels = None
depends_on = None

NAME = "ck_users_held_not_negative"
TRIGGERS = {
    f"{NAME}_{suffix}": (
        f"CREATE TRIGGER {NAME}_{suffix} BEFORE {event} ON users "
        f"WHEN NEW.held < 0 BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END"
    )
    for suffix, event in (("insert", "INSERT"), ("update", "UPDATE OF held"))
}


def upgrade() -> None:
    """The constraint on PostgreSQL, two triggers on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in TRIGGERS.values():
            op.execute(statement)
        return
    op.create_check_constraint(NAME, "users", "held >= 0")


def downgrade() -> None:
    """Drop them."""
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.drop_constraint(NAME, "users", type_="check")
