"""What the billing core needs from storage, as Protocols (storage/ implements them).

Every money operation runs inside `LedgerStore.transaction()`, and its first call is
`LedgerTx.lock(user_id)`: that serialises all operations on one user's money (a row lock on
PostgreSQL, the database write lock on SQLite), so the check-then-append logic in the core
sees every earlier operation. The unique idempotency keys are the second guard.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Protocol

from kiegram.billing.records import Account, DayStats, Entry, FreeUse, NewEntry, Payment, UserInfo


class LedgerTx(Protocol):
    """One database transaction over one locked user's money."""

    async def lock(self, user_id: int) -> Account | None:
        """Lock the user's row and read their account (None when unknown); call this first."""

    async def entry(self, key: str) -> Entry | None:
        """The ledger entry with this idempotency key."""

    async def settlement(self, hold_key: str) -> Entry | None:
        """The capture or release entry that closed this hold, if any."""

    async def append(self, entry: NewEntry) -> int:
        """Add an entry and move the cached balance with it; returns the new balance."""

    async def payment(self, charge_id: str) -> Payment | None:
        """The payment with this Telegram charge id."""

    async def add_payment(
        self, charge_id: str, user_id: int, units: int, stars: int, currency: str = "XTR"
    ) -> None:
        """Record a credited payment (`stars`: the amount in `currency`'s smallest units)."""

    async def mark_refunded(self, charge_id: str) -> None:
        """Stamp the payment as refunded."""

    async def free_use(self, job_key: str) -> FreeUse | None:
        """The free use taken for this job."""

    async def free_uses_on(self, user_id: int, day: date) -> int:
        """How many free uses (not returned) the user has on this day."""

    async def add_free_use(self, user_id: int, day: date, job_key: str) -> bool:
        """Record one free use for this job; False (nothing recorded) when it has one."""

    async def return_free_use(self, job_key: str) -> None:
        """Give a free use back (its job failed)."""

    async def referral_rewarded(self, invited_id: int) -> None:
        """Stamp the referral of this invited user as rewarded."""


class LedgerStore(Protocol):
    """Transactions plus the few reads made before a lock is taken."""

    def transaction(self) -> AbstractAsyncContextManager[LedgerTx]:
        """A transaction, committed on a clean exit and rolled back on an error."""

    async def entry_owner(self, key: str) -> int | None:
        """The user whose ledger entry has this key (a hold's key, say), if any."""

    async def free_use_owner(self, job_key: str) -> int | None:
        """The user whose free use this job key is, if it is one."""

    async def account(self, user_id: int) -> Account | None:
        """A user's account as last committed."""

    async def payment(self, charge_id: str) -> Payment | None:
        """A payment as last committed."""

    async def referrer(self, user_id: int) -> int | None:
        """Who invited this user."""

    async def free_used(self, user_id: int, day: date) -> int:
        """Free uses taken (not returned) on this day."""

    async def mismatches(self) -> list[int]:
        """Users whose cached balance differs from the sum of their entries (should be [])."""


class UserStore(Protocol):
    """Users: registration, look-ups and flags."""

    async def touch(
        self, user_id: int, username: str | None, language: str, referrer_id: int | None = None
    ) -> UserInfo:
        """Create the user (with `referrer_id`, new users only) or refresh their username."""

    async def ensure(self, user_id: int, username: str | None, language: str) -> None:
        """As `touch`, without the answer: nothing to do when this process stored that user
        with that username already (users are never deleted)."""

    async def set_language(self, user_id: int, language: str) -> None:
        """Store the interface language the user chose."""

    async def set_referrer(self, user_id: int, referrer_id: int) -> bool:
        """Set who invited the user, once; never themself, only an existing user."""

    async def get(self, user_id: int) -> UserInfo | None:
        """A user by Telegram id."""

    async def by_username(self, username: str) -> UserInfo | None:
        """A user by @username (case-insensitive, without the @)."""

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """Ban or unban a user."""

    async def ids_after(self, cursor: int, limit: int) -> list[int]:
        """User ids above `cursor` in ascending order (resumable broadcasts)."""


class StatsStore(Protocol):
    """The admin panel's numbers."""

    async def day_stats(self, since: date, until: date) -> list[DayStats]:
        """One row per UTC day in [since, until], days without activity included."""


class SwitchStore(Protocol):
    """The admin's on/off switches for models and options."""

    async def switches(self) -> dict[tuple[str, str], bool]:
        """(model id, option or "") -> enabled, for every switch ever set."""

    async def set_switch(self, model_id: str, option: str, enabled: bool) -> None:
        """Turn a model (option "") or one option ("name=value") on or off."""
