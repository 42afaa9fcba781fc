"""Conversation (FSM) state rows: one per chat participant, state name plus JSON data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, delete, select
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
        async with self._sessions() as session, session.begin():
            row = await session.get(ConversationRow, key, with_for_update=True)
            if row is None:
                row = ConversationRow(key=key, state=None, data={})
                session.add(row)
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = _now()

    async def delete(self, key: str) -> None:
        """Forget a conversation."""
        async with self._sessions() as session, session.begin():
            await session.execute(delete(ConversationRow).where(ConversationRow.key == key))

    async def count(self) -> int:
        """How many conversations are stored."""
        async with self._sessions() as session:
            rows = await session.execute(select(ConversationRow.key))
            return len(rows.all())
