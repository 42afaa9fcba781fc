"""The ``polled_updates`` table: the updates long polling fetched, kept until handled.

Long polling confirms updates to Telegram by asking for the next ones (`getUpdates` with a
higher offset); aiogram's loop does so before the updates it got are handled, so a process
killed mid-update lost that update. `scale.polling` stores each batch here before
confirming it and clears an update's body once it is handled: a restarted process feeds
what a death left (the body is still there) and asks Telegram only for updates after the
highest one stored, so an update handled before the crash is not handled again.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import BigInteger, Table, Text, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new
from kiegram.storage.direct import Direct

PURGE_EVERY = 500  # handled updates between deletions of the older handled rows


class PolledUpdateRow(Base):
    """One update fetched by long polling; `body` (its JSON) is None once it is handled."""

    __tablename__ = "polled_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)


_TABLE = cast(Table, PolledUpdateRow.__table__)
_BOT = _TABLE.c.bot_id == bindparam("b_bot_id")
_LAST = select(func.max(_TABLE.c.update_id)).where(_BOT)
_LEFT = (
    select(_TABLE.c.update_id, _TABLE.c.body)
    .where(_BOT, _TABLE.c.body.is_not(None))
    .order_by(_TABLE.c.update_id)
)
_HANDLED = (
    update(_TABLE).where(_BOT, _TABLE.c.update_id == bindparam("b_update_id")).values(body=None)
)
# Handled rows below the highest stored one: the highest stays (it is the next offset).
_PURGE = delete(_TABLE).where(
    _BOT, _TABLE.c.body.is_(None), _TABLE.c.update_id < bindparam("b_below")
)


class SqlPolledUpdates:
    """The updates of one bot fetched by long polling and not yet handled."""

    def __init__(self, engine: AsyncEngine, bot_id: int) -> None:
        self._engine = engine
        self._direct = Direct(engine)
        self._bot_id = bot_id
        self._put = insert_if_new(_TABLE, engine.dialect.name)
        self._handled = 0

    async def last(self) -> int | None:
        """The highest update id ever stored (handled or not); None when none is."""
        async with self._direct.connect() as conn:
            value = (await conn.execute(_LAST, {"b_bot_id": self._bot_id})).scalar_one()
        return None if value is None else int(value)

    async def left(self) -> list[tuple[int, str]]:
        """(update id, JSON body) of each stored update not handled yet, oldest first."""
        async with self._direct.connect() as conn:
            rows = await conn.execute(_LEFT, {"b_bot_id": self._bot_id})
            return [(int(row[0]), str(row[1])) for row in rows]

    async def store(self, updates: list[tuple[int, str]]) -> None:
        """Keep a fetched batch (one transaction); an update stored already stays as it is."""
        if not updates:
            return
        rows = [{"bot_id": self._bot_id, "update_id": u, "body": b} for u, b in updates]
        async with self._engine.begin() as conn:
            await conn.execute(self._put, rows)

    async def handled(self, update_id: int) -> None:
        """Mark one update handled (its body is dropped); older handled rows go now and then."""
        self._handled += 1
        async with self._direct.connect() as conn:  # one statement: its own transaction
            await conn.execute(_HANDLED, {"b_bot_id": self._bot_id, "b_update_id": update_id})
            if not self._handled % PURGE_EVERY:
                await conn.execute(_PURGE, {"b_bot_id": self._bot_id, "b_below": update_id})
