"""The daily free quota: N free generations per user per UTC day on cheap models."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiegram.billing.ledger import locked
from kiegram.billing.ports import LedgerStore
from kiegram.billing.records import EntryKind, NewEntry
from kiegram.billing.results import FreeResult, FreeStatus


def utc_today() -> date:
    """Today's UTC date: the quota's day boundary."""
    return datetime.now(UTC).date()


class FreeQuota:
    """One rule: `per_day` free generations per UTC day on models priced <= `max_units`."""

    def __init__(self, store: LedgerStore, per_day: int, max_units: int) -> None:
        self._store = store
        self.per_day = per_day
        self.max_units = max_units

    def eligible(self, price: int | None) -> bool:
        """True when a generation at this price may be free (unknown prices never are)."""
        return self.per_day > 0 and price is not None and price <= self.max_units

    async def left(self, user_id: int, day: date) -> int:
        """Free generations the user still has on `day`."""
        return max(0, self.per_day - await self._store.free_used(user_id, day))

    async def use_free(
        self, user_id: int, day: date, job_key: str, price: int | None = None
    ) -> FreeResult:
        """Take one free generation for this job: once per job, never more than per_day."""
        if price is not None and not self.eligible(price):
            return FreeResult(FreeStatus.NOT_ELIGIBLE, await self.left(user_id, day))
        async with self._store.transaction() as tx:
            account = await locked(tx, user_id)
            used = await tx.free_uses_on(user_id, day)
            taken = FreeResult(FreeStatus.ALREADY_TAKEN, max(0, self.per_day - used))
            if account.blocked or self.per_day <= 0 or used >= self.per_day:
                # No free use now, but a second tap of the job that took one is still that.
                if await tx.free_use(job_key) is not None:
                    return taken
                if account.blocked or self.per_day <= 0:
                    return FreeResult(FreeStatus.NOT_ELIGIBLE, 0)
                return FreeResult(FreeStatus.EXHAUSTED, 0)
            if not await tx.add_free_use(user_id, day, job_key):
                return taken
            await tx.append(NewEntry(user_id, EntryKind.FREE_USE, 0, f"free:{job_key}"))
            return FreeResult(FreeStatus.TAKEN, self.per_day - used - 1)

    async def return_free(self, job_key: str) -> bool:
        """Give the job's free use back after a failure; True only the first time."""
        owner = await self._store.free_use_owner(job_key)
        if owner is None:
            return False
        async with self._store.transaction() as tx:
            await locked(tx, owner)
            use = await tx.free_use(job_key)
            if use is None or use.returned:
                return False
            await tx.return_free_use(job_key)
            return True
