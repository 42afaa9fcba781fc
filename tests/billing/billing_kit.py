"""What the money tests share: the services wired to one database, and constants."""

from __future__ import annotations

from dataclasses import dataclass

from kiegram.billing import FreeQuota, Ledger, LedgerSettlement, Payments, Referrals
from kiegram.storage.billing_repo import SqlBillingRepo
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.users_store import SqlUserStore

ADMIN_ID = 1
TABLES = (
    "promo_codes",
    "model_switches",
    "referrals",
    "free_uses",
    "payments",
    "ledger_entries",
    "users",
)


@dataclass
class Money:
    """The billing services wired to one test database."""

    ledger: Ledger
    payments: Payments
    quota: FreeQuota
    referrals: Referrals
    settlement: LedgerSettlement
    store: SqlLedgerStore
    users: SqlUserStore
    repo: SqlBillingRepo

    async def user(self, user_id: int, balance: int = 0, username: str | None = None) -> int:
        """Register a user and fund them with a top-up of `balance` units."""
        await self.users.touch(user_id, username, "ru")
        if balance:
            await self.payments.credit_payment(user_id, balance, balance, f"seed-{user_id}")
        return user_id
