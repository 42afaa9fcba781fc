"""The ``chat_answers`` table: chat answers in flight, so that any instance can settle them.

A row is written before the answer's hold is placed and names the instance streaming it
(`owner`) with a short lease the owner renews; each edit records the text the user has seen
(`shown`) and the message it is in. When the owner dies its lease runs out within seconds
and another instance (or the owner itself, restarted under the same name) takes the row and
settles it from what was recorded. `units` is set when the owner decides the settlement, so
a death between that decision and the row's deletion is finished the same way. A `cancel`
flag lets /cancel reach the owner from any instance when there is no Redis. After a death
the row stays as `retry` (the question kept for a one-tap "ask again") until the user asks
again or asks something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.jsontext import dumps, loads
from kiegram.storage.billing_tables import utcnow
from kiegram.storage.db import Base

RUNNING, SETTLING, RETRY = "running", "settling", "retry"


class ChatAnswerRow(Base):
    """One chat answer being streamed (or settled, or left for a retry)."""

    __tablename__ = "chat_answers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # the hold's key
    user_id: Mapped[int] = mapped_column(BigInteger)
    lang: Mapped[str] = mapped_column(String(8))
    model: Mapped[str] = mapped_column(String(64))
    conv: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    images: Mapped[str | None] = mapped_column(Text, nullable=True)  # a JSON list of URLs
    hold: Mapped[int] = mapped_column(Integer)
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=RUNNING)
    owner: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shown: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    units: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the settlement decided
    cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_chat_answers_user_id", "user_id"),
        Index("ix_chat_answers_lease_until", "lease_until"),
        # One answer running (or settling) per user, even when two instances race to open.
        Index(
            "ux_chat_answers_running",
            "user_id",
            unique=True,
            sqlite_where=text("state != 'retry'"),
            postgresql_where=text("state != 'retry'"),
        ),
    )


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """What an instance needs to settle an answer it did not stream (or to ask it again)."""

    key: str
    user_id: int
    lang: str
    model: str
    conv: str
    question: str
    images: tuple[str, ...]
    hold: int
    prompt_tokens: int
    state: str = RUNNING
    shown: str = ""
    message_id: int | None = None
    units: int | None = None


_TABLE = cast(Table, ChatAnswerRow.__table__)
_C = _TABLE.c
_FIELDS = (
    _C.key,
    _C.user_id,
    _C.lang,
    _C.model,
    _C.conv,
    _C.question,
    _C.images,
    _C.hold,
    _C.prompt_tokens,
    _C.state,
    _C.shown,
    _C.message_id,
    _C.units,
)


def _record(row: object) -> AnswerRecord:
    r = cast(ChatAnswerRow, row)
    images = tuple(loads(r.images)) if r.images else ()
    return AnswerRecord(
        r.key,
        r.user_id,
        r.lang,
        r.model,
        r.conv,
        r.question,
        images,
        r.hold,
        r.prompt_tokens,
        r.state,
        r.shown,
        r.message_id,
        r.units,
    )


def _row(answer: AnswerRecord, owner: str, lease: timedelta) -> dict[str, object]:
    now = utcnow()
    return {
        "key": answer.key,
        "user_id": answer.user_id,
        "lang": answer.lang,
        "model": answer.model,
        "conv": answer.conv,
        "question": answer.question,
        "images": dumps(list(answer.images)) if answer.images else None,
        "hold": answer.hold,
        "prompt_tokens": answer.prompt_tokens,
        "state": RUNNING,
        "owner": owner,
        "lease_until": now + lease,
        "shown": "",
        "cancel": False,
        "created_at": now,
    }


def _changed(result: object) -> bool:
    return cast(CursorResult[object], result).rowcount == 1


class SqlChatAnswers:
    """Chat answers in flight, leased by instance name; also the database's cancel flags."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def open(self, answer: AnswerRecord, owner: str, lease: timedelta) -> bool:
        """Record a new answer leased to `owner` (the user's old retry rows go); False when
        the user has an answer running or settling already (on any instance)."""
        try:
            async with self._engine.begin() as conn:
                await conn.execute(
                    delete(_TABLE).where(_C.user_id == answer.user_id, _C.state == RETRY)
                )
                await conn.execute(insert(_TABLE).values(**_row(answer, owner, lease)))
        except IntegrityError:  # the partial unique index: one running answer per user
            return False
        return True

    async def drop(self, key: str) -> None:
        """Forget an answer that never started (its hold was refused)."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(_TABLE).where(_C.key == key))

    async def renew(self, key: str, owner: str, lease: timedelta) -> bool:
        """Extend `owner`'s lease; False when the answer is no longer its own."""
        return await self._update(key, owner, lease_until=utcnow() + lease)

    async def progress(
        self, key: str, owner: str, lease: timedelta, shown: str, message_id: int | None
    ) -> bool:
        """Record what the user sees now (and extend the lease); False when no longer ours."""
        return await self._update(
            key, owner, lease_until=utcnow() + lease, shown=shown, message_id=message_id
        )

    async def settling(self, key: str, owner: str, units: int, lease: timedelta) -> bool:
        """Record the settlement `owner` decided (units captured; 0: given back)."""
        return await self._update(
            key, owner, state=SETTLING, units=units, lease_until=utcnow() + lease
        )

    async def _update(self, key: str, holder: str, **values: object) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(_TABLE)
                .where(_C.key == key, _C.owner == holder, _C.state != RETRY)
                .values(**values)
            )
        return _changed(result)

    async def close(self, key: str, owner: str) -> bool:
        """Delete a settled answer; False when another instance took it meanwhile."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(_TABLE).where(_C.key == key, _C.owner == owner, _C.state != RETRY)
            )
        return _changed(result)

    async def running(self, user_id: int) -> str | None:
        """The key of the user's answer running on any instance, or None."""
        async with self._engine.connect() as conn:
            found = await conn.execute(
                select(_C.key).where(_C.user_id == user_id, _C.state == RUNNING).limit(1)
            )
            return found.scalar_one_or_none()

    async def stale(self, restarted: str | None = None, limit: int = 50) -> list[str]:
        """Keys of answers whose owner's lease ran out, and of those `restarted` (this
        instance's name, at its start) held before."""
        due = _C.lease_until < utcnow()
        if restarted is not None:
            due = or_(due, _C.owner == restarted)
        async with self._engine.connect() as conn:
            found = await conn.execute(select(_C.key).where(_C.state != RETRY, due).limit(limit))
            return list(found.scalars())

    async def take(
        self, key: str, owner: str, lease: timedelta, own: bool = False
    ) -> AnswerRecord | None:
        """Take a dead owner's answer (with `own`, also ours from before a restart)."""
        due = _C.lease_until < utcnow()
        if own:
            due = or_(due, _C.owner == owner)
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(_TABLE)
                .where(_C.key == key, _C.state != RETRY, due)
                .values(owner=owner, lease_until=utcnow() + lease)
            )
            if not _changed(result):
                return None
            row = (await conn.execute(select(*_FIELDS).where(_C.key == key))).first()
        return _record(row) if row is not None else None

    async def leave_for_retry(self, key: str, owner: str) -> bool:
        """Keep a settled dead answer's question for "ask again" (no longer leased)."""
        return await self._update(key, owner, state=RETRY, owner=None, lease_until=None)

    async def retry(self, user_id: int) -> AnswerRecord | None:
        """Take (delete and return) the user's question left for "ask again"."""
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    select(*_FIELDS).where(_C.user_id == user_id, _C.state == RETRY).limit(1)
                )
            ).first()
            if row is None:
                return None
            await conn.execute(delete(_TABLE).where(_C.key == row.key))
        return _record(row)

    async def raise_flag(self, key: str) -> None:
        """Ask the answer's owner, wherever it runs, to stop (checked at each edit)."""
        async with self._engine.begin() as conn:
            await conn.execute(update(_TABLE).where(_C.key == key).values(cancel=True))

    async def raised(self, key: str) -> bool:
        """True when a stop was asked for."""
        async with self._engine.connect() as conn:
            found = await conn.execute(select(_C.cancel).where(_C.key == key))
            return bool(found.scalar_one_or_none())
