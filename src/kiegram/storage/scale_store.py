"""Update de-duplication and singleton locks in the database (when there is no Redis).

Times are epoch seconds (floats) so SQLite and PostgreSQL compare them the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from sqlalchemy import Boolean, Float, String, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new
from kiegram.storage.direct import Direct, fast_path

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


_UPDATES = cast(Table, HandledUpdateRow.__table__)
# Every webhook update is claimed and marked done: statements built once with bind
# parameters and run on the driver (`direct`), each on its own (it commits by itself). The
# claim of a new key is the INSERT ... ON CONFLICT DO NOTHING of `insert_if_new`.
_TAKE_OVER = (  # a compare-and-set: only a claim that ran out passes on
    update(_UPDATES)
    .where(_UPDATES.c.key == bindparam("b_key"), _UPDATES.c.expires_at < bindparam("b_now"))
    .values(done=False, expires_at=bindparam("b_expires_at"))
)
_DONE = (
    update(_UPDATES)
    .where(_UPDATES.c.key == bindparam("b_key"))
    .values(done=True, expires_at=bindparam("b_expires_at"))
)
_RELEASE = delete(_UPDATES).where(_UPDATES.c.key == bindparam("b_key"), _UPDATES.c.done.is_(False))
_RENEW = (
    update(_UPDATES)
    .where(_UPDATES.c.key == bindparam("b_key"), _UPDATES.c.done.is_(False))
    .values(expires_at=bindparam("b_expires_at"))
)
_HANDLED = select(_UPDATES.c.done).where(_UPDATES.c.key == bindparam("b_key"))
_PURGE = delete(_UPDATES).where(_UPDATES.c.expires_at < bindparam("b_now"))


async def _insert(sessions: async_sessionmaker[AsyncSession], row: dict[str, object]) -> bool:
    """Insert a lock in its own transaction; False when the name is taken."""
    try:
        async with sessions() as session, session.begin():
            await session.execute(insert(SingletonLockRow).values(**row))
    except IntegrityError:
        return False
    return True


class SqlUpdateGate:
    """The UpdateGate over the handled_updates table."""

    def __init__(
        self,
        db: Direct | AsyncEngine,
        claim_seconds: float,
        done_seconds: float,
        clock: Clock = time.time,
    ) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._insert = insert_if_new(_UPDATES, engine.dialect.name)
        self._claim = claim_seconds
        self._done = done_seconds
        self._clock = clock
        self._claims = 0

    async def claim(self, key: str) -> bool:
        """Insert the claim (one statement for a new key), or take over one that expired."""
        now = self._clock()
        expires_at = now + self._claim
        async with self._direct.connect() as conn:
            self._claims += 1
            if not self._claims % PURGE_EVERY:
                await conn.execute(_PURGE, {"b_now": now})
            row = {"key": key, "done": False, "expires_at": expires_at}
            if (await conn.execute(self._insert, row)).rowcount == 1:
                return True
            stale = {"b_key": key, "b_now": now, "b_expires_at": expires_at}
            return (await conn.execute(_TAKE_OVER, stale)).rowcount == 1

    async def done(self, key: str) -> None:
        """Remember `key` as handled for the done period."""
        values = {"b_key": key, "b_expires_at": self._clock() + self._done}
        async with self._direct.connect() as conn:
            await conn.execute(_DONE, values)

    async def release(self, key: str) -> None:
        """Forget an unfinished claim."""
        async with self._direct.connect() as conn:
            await conn.execute(_RELEASE, {"b_key": key})

    async def renew(self, key: str) -> None:
        """Extend an unfinished claim by the claim period."""
        values = {"b_key": key, "b_expires_at": self._clock() + self._claim}
        async with self._direct.connect() as conn:
            await conn.execute(_RENEW, values)

    async def handled(self, key: str) -> bool:
        """True when `key` is marked handled."""
        async with self._direct.connect() as conn:
            row = (await conn.execute(_HANDLED, {"b_key": key})).first()
        return row is not None and bool(row[0])


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
