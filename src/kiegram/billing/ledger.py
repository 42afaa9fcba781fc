"""Hold, capture, release, top-ups, refunds and admin adjustments, each exactly once."""

from __future__ import annotations

from kiegram.billing.errors import InvalidAmount, KeyConflict, UnknownUser
from kiegram.billing.ports import LedgerStore, LedgerTx
from kiegram.billing.records import Account, EntryKind, NewEntry
from kiegram.billing.results import (
    AdjustResult,
    AdjustStatus,
    HoldResult,
    HoldStatus,
    SettleResult,
    SettleStatus,
)


def _positive(amount: int) -> None:
    if amount <= 0:
        raise InvalidAmount(f"amount must be positive, got {amount}")


async def locked(tx: LedgerTx, user_id: int) -> Account:
    """Lock the user's money for this transaction; UnknownUser when there is none."""
    account = await tx.lock(user_id)
    if account is None:
        raise UnknownUser(user_id)
    return account


class Ledger:
    """The money rules over a LedgerStore; every method is safe to call twice."""

    def __init__(self, store: LedgerStore) -> None:
        self._store = store

    async def account(self, user_id: int) -> Account:
        """The user's balance and open holds."""
        account = await self._store.account(user_id)
        if account is None:
            raise UnknownUser(user_id)
        return account

    async def hold(
        self, user_id: int, amount: int, key: str, job_id: str | None = None
    ) -> HoldResult:
        """Reserve `amount` for a generation under `key`, or say how much is missing."""
        _positive(amount)
        async with self._store.transaction() as tx:
            account = await locked(tx, user_id)
            existing = await tx.entry(key)
            if existing is not None:
                if existing.kind is not EntryKind.HOLD or existing.user_id != user_id:
                    raise KeyConflict(key)
                settled = await tx.settlement(key) is not None
                status = HoldStatus.ALREADY_SETTLED if settled else HoldStatus.ALREADY_PLACED
                return HoldResult(status, -existing.amount, account.balance)
            if account.blocked:
                return HoldResult(HoldStatus.BLOCKED, amount, account.balance)
            if account.balance < amount:
                short = amount - account.balance
                return HoldResult(HoldStatus.INSUFFICIENT, amount, account.balance, short)
            entry = NewEntry(user_id, EntryKind.HOLD, -amount, key, job_id=job_id)
            return HoldResult(HoldStatus.PLACED, amount, await tx.append(entry))

    async def capture(self, key: str, used: int | None = None) -> SettleResult:
        """Turn the hold into a charge, once: all of it, or only `used` units of it (a chat
        answer priced by its tokens), the rest given back in the same entry."""
        if used is not None and used < 0:
            raise InvalidAmount(f"used must not be negative, got {used}")
        return await self._settle(key, EntryKind.CAPTURE, used)

    async def release(self, key: str) -> SettleResult:
        """Give the held amount back, once."""
        return await self._settle(key, EntryKind.RELEASE)

    async def _settle(self, key: str, kind: EntryKind, used: int | None = None) -> SettleResult:
        owner = await self._store.entry_owner(key)  # a free use's job key has no hold
        if owner is None:
            return SettleResult(SettleStatus.NOT_FOUND)
        async with self._store.transaction() as tx:
            await locked(tx, owner)
            hold = await tx.entry(key)
            if hold is None or hold.kind is not EntryKind.HOLD:
                return SettleResult(SettleStatus.NOT_FOUND)
            amount = -hold.amount
            done = await tx.settlement(key)
            if done is not None:
                if done.kind is EntryKind.CAPTURE:
                    return SettleResult(SettleStatus.ALREADY_CAPTURED, amount)
                return SettleResult(SettleStatus.ALREADY_RELEASED, amount)
            back = amount if kind is EntryKind.RELEASE else 0
            if kind is EntryKind.CAPTURE and used is not None:
                back = max(0, amount - used)
            entry = NewEntry(owner, kind, back, f"{kind}:{key}", settles=key, job_id=hold.job_id)
            await tx.append(entry)
        if kind is EntryKind.CAPTURE:
            return SettleResult(SettleStatus.CAPTURED, amount - back)  # what was charged
        return SettleResult(SettleStatus.RELEASED, amount)

    async def grant(
        self, user_id: int, amount: int, key: str, admin_id: int, reason: str
    ) -> AdjustResult:
        """Add units by an admin's decision, once per key."""
        return await self._adjust(user_id, amount, key, admin_id, reason, EntryKind.GRANT)

    async def deduct(
        self, user_id: int, amount: int, key: str, admin_id: int, reason: str
    ) -> AdjustResult:
        """Take units away by an admin's decision, once per key; never below zero."""
        return await self._adjust(user_id, amount, key, admin_id, reason, EntryKind.DEDUCT)

    async def _adjust(
        self, user_id: int, amount: int, key: str, admin_id: int, reason: str, kind: EntryKind
    ) -> AdjustResult:
        _positive(amount)
        async with self._store.transaction() as tx:
            account = await locked(tx, user_id)
            existing = await tx.entry(key)
            if existing is not None:
                if existing.kind is not kind or existing.user_id != user_id:
                    raise KeyConflict(key)
                return AdjustResult(AdjustStatus.ALREADY_DONE, account.balance)
            if kind is EntryKind.DEDUCT and account.balance < amount:
                short = amount - account.balance
                return AdjustResult(AdjustStatus.INSUFFICIENT, account.balance, short)
            signed = -amount if kind is EntryKind.DEDUCT else amount
            entry = NewEntry(user_id, kind, signed, key, actor_id=admin_id, reason=reason)
            return AdjustResult(AdjustStatus.DONE, await tx.append(entry))
