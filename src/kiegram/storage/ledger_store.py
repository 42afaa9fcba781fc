"""The billing core's LedgerStore on SQLAlchemy (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.billing.errors import BillingError
from kiegram.billing.records import Account, Payment
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry, User
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.ledger_tx import (
    OPEN_HOLD,
    SqlLedgerTx,
    count_free,
    payment_row,
    read_account,
)


class LedgerIntegrityError(BillingError):
    """The database refused a money write (a unique key or the balance CHECK)."""


_OWNER_BY_ENTRY = select(LedgerEntry.user_id).where(LedgerEntry.key == bindparam("key"))
_OWNER_BY_FREE_USE = select(FreeUseRow.user_id).where(FreeUseRow.job_key == bindparam("key"))
_REFERRER = select(User.referrer_id).where(User.id == bindparam("user_id"))


class SqlLedgerStore:
    """LedgerStore over an async engine (statements on the driver: see `ledger_tx`)."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        self._engine = self._direct.engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlLedgerTx]:
        """A transaction committed on a clean exit; database refusals become billing errors."""
        try:
            async with self._direct.begin() as conn:
                yield SqlLedgerTx(conn)
        except IntegrityError as exc:
            raise LedgerIntegrityError(str(exc.orig)) from exc

    async def entry_owner(self, key: str) -> int | None:
        """The user whose ledger entry has this key."""
        return await self._user_of(_OWNER_BY_ENTRY, key)

    async def free_use_owner(self, job_key: str) -> int | None:
        """The user whose free use this job key is."""
        return await self._user_of(_OWNER_BY_FREE_USE, job_key)

    async def _user_of(self, statement: Select[int], key: str) -> int | None:
        async with self._direct.connect() as conn:
            found = await conn.scalar(statement, {"key": key})
            return None if found is None else int(found)

    async def account(self, user_id: int) -> Account | None:
        """The user's account as last committed."""
        async with self._direct.connect() as conn:
            return await read_account(conn, user_id, for_update=False)

    async def payment(self, charge_id: str) -> Payment | None:
        """A payment as last committed."""
        async with self._direct.connect() as conn:
            return await payment_row(conn, charge_id)

    async def referrer(self, user_id: int) -> int | None:
        """Who invited this user."""
        async with self._direct.connect() as conn:
            found = await conn.scalar(_REFERRER, {"user_id": user_id})
            return None if found is None else int(found)

    async def free_used(self, user_id: int, day: date) -> int:
        """Free uses not returned on this day."""
        async with self._direct.connect() as conn:
            return await count_free(conn, user_id, day)

    async def mismatches(self) -> list[int]:
        """Users whose cached balance is not the sum of their ledger entries, or whose cached
        held amount is not the sum of their open holds."""
        total = (
            select(func.coalesce(func.sum(LedgerEntry.amount), 0))
            .where(LedgerEntry.user_id == User.id)
            .scalar_subquery()
        )
        held = (
            select(func.coalesce(func.sum(-LedgerEntry.amount), 0))
            .where(LedgerEntry.user_id == User.id, *OPEN_HOLD)
            .scalar_subquery()
        )
        wrong = or_(User.balance != total, User.held != held)
        async with self._engine.connect() as conn:
            rows = await conn.scalars(select(User.id).where(wrong))
            return sorted(rows)
