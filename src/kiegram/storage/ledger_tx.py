"""One locked money transaction on SQLAlchemy: the billing core's LedgerTx.

Its statements are built once and run on the driver (`direct`): confirm holds money on every
generation, and an ORM session cost more per statement than the statement.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import aliased

from kiegram.billing.records import Account, Entry, EntryKind, FreeUse, NewEntry, Payment
from kiegram.storage.billing_tables import (
    FreeUseRow,
    LedgerEntry,
    PaymentRow,
    Referral,
    User,
    utcnow,
)
from kiegram.storage.db import insert_if_new
from kiegram.storage.direct import DirectConnection


def to_entry(row: Any) -> Entry:
    """A stored entry as the billing record."""
    return Entry(
        id=row.id,
        user_id=row.user_id,
        kind=EntryKind(row.kind),
        amount=row.amount,
        key=row.key,
        settles=row.settles,
        job_id=row.job_id,
        payment_id=row.payment_id,
        created_at=row.created_at,
    )


def to_payment(row: Any) -> Payment:
    """A stored payment as the billing record."""
    return Payment(
        row.charge_id,
        row.user_id,
        row.units,
        row.stars,
        row.created_at,
        row.refunded_at,
        row.currency,
    )


# Built once (building a statement cost more than running it).
_SETTLE = aliased(LedgerEntry)
# A hold nothing has captured or released yet (the orphan sweeper looks for these; a user's
# sum of them is kept in users.held).
OPEN_HOLD = (
    LedgerEntry.kind == EntryKind.HOLD.value,
    ~exists().where(_SETTLE.settles == LedgerEntry.key),
)
_ACCOUNT = select(User.balance, User.held, User.blocked).where(User.id == bindparam("user_id"))
_ACCOUNT_LOCKED = _ACCOUNT.with_for_update()
_ENTRIES = cast(Table, LedgerEntry.__table__)
_BY_KEY = select(_ENTRIES).where(_ENTRIES.c.key == bindparam("key"))
_BY_SETTLES = select(_ENTRIES).where(_ENTRIES.c.settles == bindparam("key"))
_PAYMENTS = cast(Table, PaymentRow.__table__)
_PAYMENT = select(_PAYMENTS).where(_PAYMENTS.c.charge_id == bindparam("charge_id"))
_FREE_USES = cast(Table, FreeUseRow.__table__)
_FREE_USE = select(_FREE_USES).where(_FREE_USES.c.job_key == bindparam("job_key"))
_INSERT_ENTRY = insert(LedgerEntry)
_INSERT_PAYMENT = insert(PaymentRow)
_MARK_REFUNDED = (
    update(PaymentRow)
    .where(PaymentRow.charge_id == bindparam("charge"))
    .values(refunded_at=bindparam("at"))
)
_RETURN_FREE_USE = (
    update(FreeUseRow).where(FreeUseRow.job_key == bindparam("key")).values(returned=True)
)
_REFERRAL_REWARDED = (
    update(Referral)
    .where(Referral.invited_id == bindparam("invited"))
    .values(rewarded_at=bindparam("at"))
)
_COUNT_FREE = select(func.count()).where(
    FreeUseRow.user_id == bindparam("user_id"),
    FreeUseRow.day == bindparam("day"),
    FreeUseRow.returned.is_(False),
)
_MOVE_BALANCE = (
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(balance=User.balance + bindparam("amount"))
    .returning(User.balance)
)
# A hold takes units out of the balance into `held`; its capture or release takes them out
# of `held` again (the hold's amount, found by its unique key).
_MOVE_HOLD = (
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(balance=User.balance + bindparam("amount"), held=User.held - bindparam("amount"))
    .returning(User.balance)
)
_HOLD_AMOUNT = (
    select(LedgerEntry.amount).where(LedgerEntry.key == bindparam("settles")).scalar_subquery()
)
_MOVE_SETTLE = (
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(balance=User.balance + bindparam("amount"), held=User.held + _HOLD_AMOUNT)
    .returning(User.balance)
)


async def read_account(conn: DirectConnection, user_id: int, *, for_update: bool) -> Account | None:
    """Balance, open holds and the ban flag; optionally locking the row (PostgreSQL)."""
    params = {"user_id": user_id}
    row = (await conn.execute(_ACCOUNT_LOCKED if for_update else _ACCOUNT, params)).first()
    if row is None:
        return None
    return Account(user_id, row.balance, row.held, row.blocked)


async def payment_row(conn: DirectConnection, charge_id: str) -> Payment | None:
    """The payment with this charge id."""
    row = (await conn.execute(_PAYMENT, {"charge_id": charge_id})).first()
    return None if row is None else to_payment(row)


class SqlLedgerTx:
    """LedgerTx over one connection inside an open transaction."""

    def __init__(self, conn: DirectConnection) -> None:
        self._conn = conn
        self._sqlite = conn.dialect.name == "sqlite"
        self._balances: dict[int, int] = {}  # of the users locked here, as this tx left them

    async def lock(self, user_id: int) -> Account | None:
        """Lock the user's row first: FOR UPDATE on PostgreSQL. On SQLite the transaction
        holds the database's one write lock from its BEGIN IMMEDIATE on."""
        account = await read_account(self._conn, user_id, for_update=not self._sqlite)
        if account is not None:
            self._balances[user_id] = account.balance
        return account

    async def entry(self, key: str) -> Entry | None:
        """The entry with this key."""
        row = (await self._conn.execute(_BY_KEY, {"key": key})).first()
        return None if row is None else to_entry(row)

    async def settlement(self, hold_key: str) -> Entry | None:
        """The entry that settled this hold."""
        row = (await self._conn.execute(_BY_SETTLES, {"key": hold_key})).first()
        return None if row is None else to_entry(row)

    async def append(self, entry: NewEntry) -> int:
        """Insert the entry and move the cached balance in the same transaction."""
        values = {
            "user_id": entry.user_id,
            "kind": entry.kind.value,
            "amount": entry.amount,
            "key": entry.key,
            "settles": entry.settles,
            "job_id": entry.job_id,
            "payment_id": entry.payment_id,
            "actor_id": entry.actor_id,
            "reason": entry.reason,
            "created_at": utcnow(),
        }
        await self._conn.execute(_INSERT_ENTRY, values)
        known = self._balances.get(entry.user_id)
        if entry.amount == 0 and entry.settles is None and known is not None:
            return known  # a free use: nothing moves, and the row is locked here
        params: dict[str, Any] = {"user_id": entry.user_id, "amount": entry.amount}
        if entry.kind is EntryKind.HOLD:
            moved = await self._conn.execute(_MOVE_HOLD, params)
        elif entry.settles is not None:
            moved = await self._conn.execute(_MOVE_SETTLE, {**params, "settles": entry.settles})
        else:
            moved = await self._conn.execute(_MOVE_BALANCE, params)
        balance = int(moved.scalar_one())
        self._balances[entry.user_id] = balance
        return balance

    async def payment(self, charge_id: str) -> Payment | None:
        """The payment with this charge id."""
        return await payment_row(self._conn, charge_id)

    async def add_payment(
        self, charge_id: str, user_id: int, units: int, stars: int, currency: str = "XTR"
    ) -> None:
        """Record a credited payment (`stars`: the amount in `currency`'s smallest units)."""
        row: dict[str, object] = {"charge_id": charge_id, "user_id": user_id, "units": units}
        row |= {"stars": stars, "currency": currency, "created_at": utcnow()}
        await self._conn.execute(_INSERT_PAYMENT, row)

    async def mark_refunded(self, charge_id: str) -> None:
        """Stamp the payment as refunded."""
        await self._conn.execute(_MARK_REFUNDED, {"charge": charge_id, "at": utcnow()})

    async def free_use(self, job_key: str) -> FreeUse | None:
        """The free use of this job."""
        row = (await self._conn.execute(_FREE_USE, {"job_key": job_key})).first()
        return None if row is None else FreeUse(row.user_id, row.day, row.job_key, row.returned)

    async def free_uses_on(self, user_id: int, day: date) -> int:
        """Free uses not returned on this day."""
        return await count_free(self._conn, user_id, day)

    async def add_free_use(self, user_id: int, day: date, job_key: str) -> bool:
        """Record one free use for this job; False (nothing recorded) when it has one."""
        row = {"job_key": job_key, "user_id": user_id, "day": day, "returned": False}
        statement = insert_if_new(_FREE_USES, self._conn.dialect.name, returning=True)
        added = await self._conn.execute(statement, {**row, "created_at": utcnow()})
        return added.first() is not None

    async def return_free_use(self, job_key: str) -> None:
        """Mark the free use as returned."""
        await self._conn.execute(_RETURN_FREE_USE, {"key": job_key})

    async def referral_rewarded(self, invited_id: int) -> None:
        """Stamp the referral as rewarded."""
        await self._conn.execute(_REFERRAL_REWARDED, {"invited": invited_id, "at": utcnow()})


async def count_free(conn: DirectConnection, user_id: int, day: date) -> int:
    """Free uses not returned on this day."""
    params = {"user_id": user_id, "day": day}
    return int((await conn.execute(_COUNT_FREE, params)).scalar_one())
