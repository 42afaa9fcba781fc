"""The billing core's PromoStore on SQLAlchemy: codes, and ledger transactions that use them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.billing.promo import PromoCode
from kiegram.storage.billing_tables import PromoCodeRow, utcnow
from kiegram.storage.db import insert_if_new
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.ledger_store import LedgerIntegrityError
from kiegram.storage.ledger_tx import SqlLedgerTx

_CODES = cast(Table, PromoCodeRow.__table__)
_CODE = select(_CODES).where(_CODES.c.code == bindparam("promo_code"))
_CODE_LOCKED = _CODE.with_for_update()
_COUNT_USE = (
    update(_CODES).where(_CODES.c.code == bindparam("promo_code")).values(used=_CODES.c.used + 1)
)
_RECENT = select(_CODES).order_by(_CODES.c.created_at.desc()).limit(bindparam("limit"))


def _utc(stamp: datetime | None) -> datetime | None:
    """SQLite gives naive timestamps back; every stored one is UTC."""
    if stamp is None or stamp.tzinfo is not None:
        return stamp
    return stamp.replace(tzinfo=UTC)


def to_promo(row: Any) -> PromoCode:
    """A stored code as the billing record."""
    created = _utc(row.created_at)
    assert created is not None
    return PromoCode(row.code, row.units, row.max_uses, row.used, _utc(row.expires_at), created)


class SqlPromoTx(SqlLedgerTx):
    """A ledger transaction that also locks and counts promo codes."""

    async def promo(self, code: str) -> PromoCode | None:
        """The code, FOR UPDATE on PostgreSQL (SQLite's transaction holds the write lock)."""
        statement = _CODE if self._sqlite else _CODE_LOCKED
        row = (await self._conn.execute(statement, {"promo_code": code})).first()
        return None if row is None else to_promo(row)

    async def count_use(self, code: str) -> None:
        """One more use (the CHECK refuses one past `max_uses`)."""
        await self._conn.execute(_COUNT_USE, {"promo_code": code})


class SqlPromoStore:
    """PromoStore over an async engine (statements on the driver, as the ledger's)."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlPromoTx]:
        """A transaction committed on a clean exit; database refusals become billing errors."""
        try:
            async with self._direct.begin() as conn:
                yield SqlPromoTx(conn)
        except IntegrityError as exc:
            raise LedgerIntegrityError(str(exc.orig)) from exc

    async def add(self, code: PromoCode, admin_id: int) -> bool:
        """Insert the code unless the name exists."""
        values = {
            "code": code.code,
            "units": code.units,
            "max_uses": code.max_uses,
            "used": 0,
            "expires_at": code.expires_at,
            "created_by": admin_id,
            "created_at": utcnow(),
        }
        async with self._direct.connect() as conn:
            statement = insert_if_new(_CODES, conn.dialect.name, returning=True)
            return (await conn.execute(statement, values)).first() is not None

    async def recent(self, limit: int) -> list[PromoCode]:
        """The newest codes first."""
        async with self._direct.connect() as conn:
            rows = (await conn.execute(_RECENT, {"limit": limit})).all()
        return [to_promo(row) for row in rows]
