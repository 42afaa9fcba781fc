"""Update de-duplication and singleton locks in the database (when there is no Redis).

Times are epoch seconds (floats) so SQLite and PostgreSQL compare them the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Boolean, Float, String, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base

Clock = Callable[[], float]
PURGE_EVERY = 500  # claims between sweeps of expired rows


class HandledUpdateRow(Base):
    """One update id claimed (or handled) by some instance."""

    __tablename__ = "handled_updates"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class SingletonLockRow(Base):
    """A named lease: who holds it and until when."""

    __tablename__ = "singleton_locks"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[float] = mapped_column(Float)


async def _insert(sessions: async_sessionmaker[AsyncSession], row: dict[str, object]) -> bool:
    """Insert a row in its own transaction; False when the key exists."""
    table = HandledUpdateRow if "key" in row else SingletonLockRow
    try:
        async with sessions() as session, session.begin():
            await session.execute(insert(table).values(**row))
    except IntegrityError:
        return False
    return True


class SqlUpdateGate:
    """The UpdateGate over the handled_updates table."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        claim_seconds: float,
        done_seconds: float,
        clock: Clock = time.time,
    ) -> None:
        self._sessions = sessions
        self._claim = claim_seconds
        self._done = done_seconds
        self._clock = clock
        self._claims = 0

    async def claim(self, key: str) -> bool:
        """Insert the claim, or take over one that expired (a compare-and-set)."""
        now = self._clock()
        await self._maybe_purge(now)
        row = {"key": key, "done": False, "expires_at": now + self._claim}
        if await _insert(self._sessions, row):
            return True
        stale = HandledUpdateRow.key == key, HandledUpdateRow.expires_at < now
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(HandledUpdateRow)
                .where(*stale)
                .values(done=False, expires_at=now + self._claim)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def done(self, key: str) -> None:
        """Remember `key` as handled for the done period."""
        values = {"done": True, "expires_at": self._clock() + self._done}
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(HandledUpdateRow).where(HandledUpdateRow.key == key).values(**values)
            )

    async def release(self, key: str) -> None:
        """Forget an unfinished claim."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(HandledUpdateRow).where(
                    HandledUpdateRow.key == key, HandledUpdateRow.done.is_(False)
                )
            )

    async def _maybe_purge(self, now: float) -> None:
        self._claims += 1
        if self._claims % PURGE_EVERY:
            return
        async with self._sessions() as session, session.begin():
            await session.execute(delete(HandledUpdateRow).where(HandledUpdateRow.expires_at < now))


class SqlLocks:
    """The Locks port over the singleton_locks table."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock = time.time
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    async def acquire(self, name: str, owner: str, ttl: float) -> bool:
        """Insert the lock, or take it over when it expired or is ours."""
        now = self._clock()
        if await _insert(self._sessions, {"name": name, "owner": owner, "expires_at": now + ttl}):
            return True
        free = (SingletonLockRow.expires_at < now) | (SingletonLockRow.owner == owner)
        return await self._update(name, free, owner=owner, expires_at=now + ttl)

    async def renew(self, name: str, owner: str, ttl: float) -> bool:
        """Extend the lock while we still hold it."""
        now = self._clock()
        ours = (SingletonLockRow.owner == owner) & (SingletonLockRow.expires_at >= now)
        return await self._update(name, ours, expires_at=now + ttl)

    async def release(self, name: str, owner: str) -> bool:
        """Delete the lock if it is ours."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(SingletonLockRow).where(
                    SingletonLockRow.name == name, SingletonLockRow.owner == owner
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _update(self, name: str, condition: object, **values: object) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(SingletonLockRow)
                .where(SingletonLockRow.name == name, condition)  # type: ignore[arg-type]
                .values(**values)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
