"""Promo codes: an admin's code worth some units, for a number of users, until a date.

A code is redeemed once per user: the ledger entry's key is `promo:<CODE>:<user>`, so a
repeated redemption finds its entry (the ledger's unique key is the second guard). The code's
use counter moves in the same transaction, after the user's row and then the code's row are
locked (always in that order), so twenty users racing for the last use get one credit between
them, and one user racing with themself gets one credit.
"""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from kiegram.billing.errors import InvalidAmount
from kiegram.billing.ledger import locked
from kiegram.billing.ports import LedgerTx
from kiegram.billing.records import EntryKind, NewEntry

CODE_FORMAT = re.compile(r"^[A-Z0-9_-]{3,32}$")  # fits a /start payload after "p_"


@dataclass(frozen=True, slots=True)
class PromoCode:
    """A code as stored: what it gives, how often it was used, until when it works."""

    code: str
    units: int
    max_uses: int
    used: int
    expires_at: datetime | None
    created_at: datetime


class PromoStatus(StrEnum):
    """What a redemption came to."""

    CREDITED = "credited"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    ALREADY_USED = "already_used"


@dataclass(frozen=True, slots=True)
class PromoResult:
    """A redemption's outcome; `units` and `balance` when credited (or credited before)."""

    status: PromoStatus
    code: str
    units: int = 0
    balance: int = 0


class PromoTx(LedgerTx, Protocol):
    """A ledger transaction that also reads and counts promo codes."""

    async def promo(self, code: str) -> PromoCode | None:
        """The code, its row locked for this transaction."""

    async def count_use(self, code: str) -> None:
        """One more use of the code."""


class PromoStore(Protocol):
    """Promo codes and their transactions."""

    def transaction(self) -> AbstractAsyncContextManager[PromoTx]:
        """A transaction, committed on a clean exit and rolled back on an error."""

    async def add(self, code: PromoCode, admin_id: int) -> bool:
        """Store a new code; False when one with that name exists."""

    async def recent(self, limit: int) -> list[PromoCode]:
        """The newest codes first."""


def normalize(text: str) -> str | None:
    """The code as stored (upper case), or None when it cannot be one."""
    code = text.strip().upper()
    return code if CODE_FORMAT.match(code) else None


def promo_key(code: str, user_id: int) -> str:
    """The ledger key of one user's redemption of one code."""
    return f"promo:{code}:{user_id}"


class Promos:
    """Create and redeem promo codes, each redemption exactly once."""

    def __init__(self, store: PromoStore) -> None:
        self._store = store

    async def create(self, code: PromoCode, admin_id: int) -> bool:
        """Add a code; False when the name is taken."""
        if code.units <= 0 or code.max_uses <= 0:
            raise InvalidAmount(f"a promo code needs units and uses, got {code}")
        return await self._store.add(code, admin_id)

    async def recent(self, limit: int = 10) -> list[PromoCode]:
        """The newest codes, for the admin panel."""
        return await self._store.recent(limit)

    async def redeem(self, user_id: int, text: str, now: datetime) -> PromoResult:
        """Credit the code's units to the user once, or say why not."""
        code = normalize(text)
        if code is None:
            return PromoResult(PromoStatus.UNKNOWN, text.strip()[:32])
        async with self._store.transaction() as tx:
            account = await locked(tx, user_id)
            if await tx.entry(promo_key(code, user_id)) is not None:
                return PromoResult(PromoStatus.ALREADY_USED, code, balance=account.balance)
            promo = await tx.promo(code)
            if promo is None:
                return PromoResult(PromoStatus.UNKNOWN, code)
            if promo.expires_at is not None and promo.expires_at <= now:
                return PromoResult(PromoStatus.EXPIRED, code)
            if promo.used >= promo.max_uses:
                return PromoResult(PromoStatus.USED_UP, code)
            await tx.count_use(code)
            entry = NewEntry(user_id, EntryKind.PROMO, promo.units, promo_key(code, user_id))
            balance = await tx.append(entry)
        return PromoResult(PromoStatus.CREDITED, code, promo.units, balance)
