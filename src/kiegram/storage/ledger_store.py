"""The billing core's LedgerStore on SQLAlchemy (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kiegram.billing.errors import BillingError
from kiegram.billing.records import Account, Payment
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry, PaymentRow, User
from kiegram.storage.ledger_tx import SqlLedgerTx, count_free, read_account, to_payment


class LedgerIntegrityError(BillingError):
    """The database refused a money write (a unique key or the balance CHECK)."""


class SqlLedgerStore:
    """LedgerStore over an async session factory."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlLedgerTx]:
        """A transaction committed on a clean exit; database refusals become billing errors."""
        try:
            async with self._sessions() as session, session.begin():
                yield SqlLedgerTx(session)
        except IntegrityError as exc:
            raise LedgerIntegrityError(str(exc.orig)) from exc

    async def owner(self, key: str) -> int | None:
        """The user of a ledger key or a free-use job key."""
        async with self._sessions() as session:
            found = await session.scalar(select(LedgerEntry.user_id).where(LedgerEntry.key == key))
            if found is None:
                query = select(FreeUseRow.user_id).where(FreeUseRow.job_key == key)
                found = await session.scalar(query)
            return found

    async def account(self, user_id: int) -> Account | None:
        """The user's account as last committed."""
        async with self._sessions() as session:
            return await read_account(session, user_id, for_update=False)

    async def payment(self, charge_id: str) -> Payment | None:
        """A payment as last committed."""
        async with self._sessions() as session:
            row = await session.get(PaymentRow, charge_id)
            return None if row is None else to_payment(row)

    async def referrer(self, user_id: int) -> int | None:
        """Who invited this user."""
        async with self._sessions() as session:
            return await session.scalar(select(User.referrer_id).where(User.id == user_id))

    async def free_used(self, user_id: int, day: date) -> int:
        """Free uses not returned on this day."""
        async with self._sessions() as session:
            return await count_free(session, user_id, day)

    async def mismatches(self) -> list[int]:
        """Users whose cached balance is not the sum of their ledger entries."""
        total = (
            select(func.coalesce(func.sum(LedgerEntry.amount), 0))
            .where(LedgerEntry.user_id == User.id)
            .scalar_subquery()
        )
        async with self._sessions() as session:
            rows = await session.scalars(select(User.id).where(User.balance != total))
            return sorted(rows)
