"""The ``chat_messages`` table: what users and chat models said, per conversation.

A conversation's context is read back from here (newest first, as far as the token budget
goes); each user keeps at most `keep` messages, older ones are deleted as new ones come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.jsontext import dumps, loads
from kiegram.storage.billing_tables import BigId, utcnow
from kiegram.storage.db import Base
from kiegram.storage.direct import Direct, fast_path


class ChatMessageRow(Base):
    """One message of a chat: the user's (with its photos' URLs) or the model's answer."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    conv: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    images: Mapped[str | None] = mapped_column(Text, nullable=True)  # a JSON list of URLs
    tokens: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)  # charged for an answer
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_chat_messages_user_id_id", "user_id", "id"),)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message read back for the context."""

    role: str
    content: str
    images: tuple[str, ...]
    tokens: int


_TABLE = cast(Table, ChatMessageRow.__table__)
_C = _TABLE.c
_ADD = insert(_TABLE)
_RECENT = (
    select(_C.role, _C.content, _C.images, _C.tokens)
    .where(_C.user_id == bindparam("user_id"), _C.conv == bindparam("conv"))
    .order_by(_C.id.desc())
    .limit(bindparam("rows"))
)
_NEWEST_DROPPED = (
    select(_C.id)
    .where(_C.user_id == bindparam("user_id"))
    .order_by(_C.id.desc())
    .limit(1)
    .offset(bindparam("keep"))
    .scalar_subquery()
)
_TRIM = delete(_TABLE).where(_C.user_id == bindparam("user_id"), _C.id <= _NEWEST_DROPPED)
_COUNT = select(func.count()).select_from(_TABLE).where(_C.user_id == bindparam("user_id"))


class SqlChatHistory:
    """Chat messages per user and conversation, at most `keep` per user."""

    def __init__(self, db: Direct | AsyncEngine, keep: int) -> None:
        self._direct = fast_path(db)
        self.keep = keep

    async def add(
        self,
        user_id: int,
        conv: str,
        model: str,
        messages: Sequence[tuple[str, str, tuple[str, ...], int, int]],
    ) -> None:
        """Store (role, content, images, tokens, units) messages in order, then drop the
        user's oldest beyond `keep`, in one transaction."""
        now = utcnow()
        rows = [
            {
                "user_id": user_id,
                "conv": conv,
                "model": model,
                "role": role,
                "content": content,
                "images": dumps(list(images)) if images else None,
                "tokens": tokens,
                "units": units,
                "created_at": now,
            }
            for role, content, images, tokens, units in messages
        ]
        async with self._direct.begin() as conn:
            for row in rows:  # one by one: the ids keep the order
                await conn.execute(_ADD, row)
            await conn.execute(_TRIM, {"user_id": user_id, "keep": self.keep})

    async def recent(self, user_id: int, conv: str, rows: int) -> list[StoredMessage]:
        """The conversation's last `rows` messages, oldest first."""
        async with self._direct.connect() as conn:
            found = await conn.execute(_RECENT, {"user_id": user_id, "conv": conv, "rows": rows})
            out = [
                StoredMessage(
                    r.role, r.content, tuple(loads(r.images)) if r.images else (), r.tokens
                )
                for r in found
            ]
        out.reverse()
        return out

    async def count(self, user_id: int) -> int:
        """How many messages the user has stored."""
        async with self._direct.connect() as conn:
            return int((await conn.execute(_COUNT, {"user_id": user_id})).scalar_one())
