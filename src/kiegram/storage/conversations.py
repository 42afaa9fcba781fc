"""Conversation (FSM) state rows: one per chat participant, state name plus JSON data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, session_factory


def _now() -> datetime:
    return datetime.now(UTC)


class ConversationRow(Base):
    """The stored conversation of one user in one chat."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ConversationStore:
    """Reads and writes conversation rows; each call is its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = session_factory(engine)

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The state name and data for `key` (None and {} when there is none)."""
        async with self._sessions() as session:
            row = await session.get(ConversationRow, key)
            return (row.state, dict(row.data or {})) if row else (None, {})

    async def put(self, key: str, **fields: Any) -> None:
        """Set `state` and/or `data` for `key`, creating the row when needed."""
        values = {**fields, "updated_at": _now()}
        # One UPDATE in the common case (the row exists); an INSERT only for a new one.
        for _attempt in range(2):
            if await self._update(key, values):
                return
            row = {"key": key, "state": None, "data": {}, **values}
            try:
                async with self._sessions() as session, session.begin():
                    await session.execute(insert(ConversationRow).values(**row))
                return
            except IntegrityError:
                continue  # created meanwhile by a concurrent update: update it
        raise AssertionError("conversation row neither updated nor inserted")

    async def _update(self, key: str, values: dict[str, Any]) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(ConversationRow)
                .where(ConversationRow.key == key)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)

    async def delete(self, key: str) -> None:
        """Forget a conversation."""
        async with self._sessions() as session, session.begin():
            await session.execute(delete(ConversationRow).where(ConversationRow.key == key))

    async def count(self) -> int:
        """How many conversations are stored."""
        async with self._sessions() as session:
            rows = await session.execute(select(ConversationRow.key))
            return len(rows.all())
