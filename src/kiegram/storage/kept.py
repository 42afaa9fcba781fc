"""Pooled connections kept checked out between statements, for the direct path (`direct`).

SQLAlchemy's pool checks a connection out and takes it back in a greenlet round each: on
asyncpg ~70 µs of CPU around a ~80 µs statement, on SQLite ~25 µs around ~30. `Direct` keeps
a few idle connections per engine instead (PostgreSQL's, and one of a SQLite file's two).
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from kiegram.storage.sqlite_inline import InlineConnection

KEEP = 4  # PostgreSQL connections kept per engine
KEEP_SQLITE = 1  # of a SQLite file's two (the other serves sessions)


def keep_limit(engine: AsyncEngine) -> int:
    """How many idle connections `Direct` keeps for `engine` (0: none).

    A SQLite file's pool has two connections (`db.create_engine`): one stays here, the
    other serves sessions; a write on one waits out the other's lock as any second
    connection does (`sqlite_inline`). In-memory SQLite has no direct path at all.
    """
    if engine.dialect.driver == "asyncpg":
        return KEEP
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return KEEP_SQLITE
    return 0


class Kept:
    """Pooled connections kept checked out between statements, shared by an engine's `Direct`s.

    Each checkout from SQLAlchemy's pool and each return is a greenlet round (~70 µs of CPU
    around a ~80 µs statement on asyncpg; ~30 µs around a ~30 µs statement on SQLite), so
    up to `limit` idle connections stay with us instead. One is handed out again only while
    the pool would still hand it out: valid, made after the pool's last invalidation (a lost
    connection renews them all), younger than the pool's recycle age and of the engine's
    current pool; any other goes back to the pool, which replaces it. `Engine.dispose`
    closes the kept ones.
    """

    def __init__(self, engine: Engine, limit: int) -> None:
        self._engine = weakref.ref(engine)
        self._limit = limit
        self._idle: list[Any] = []
        event.listen(engine, "engine_disposed", self._close)

    @classmethod
    def of(cls, engine: Engine, limit: int) -> Kept:
        """The engine's kept connections."""
        kept = _KEPT.get(engine)
        if kept is None:
            kept = _KEPT[engine] = cls(engine, limit)
        return kept

    async def take(self) -> Any:
        """A kept connection the pool would still hand out, or None."""
        while self._idle:
            fairy = self._idle.pop()
            if self._fresh(fairy):
                return fairy
            await greenlet_spawn(fairy.close)  # the pool renews it at its next checkout
        return None

    def keep(self, fairy: Any) -> bool:
        """Keep `fairy` for the next statement; False when it must go back to the pool."""
        if len(self._idle) >= self._limit or not self._fresh(fairy):
            return False
        if _in_transaction(fairy.driver_connection):  # never: `begin` ends its own
            return False
        self._idle.append(fairy)
        return True

    def _fresh(self, fairy: Any) -> bool:
        engine = self._engine()
        record = fairy._connection_record
        if engine is None or not fairy.is_valid or record is None:
            return False
        pool = engine.pool
        recycle = pool._recycle
        return (
            fairy._pool is pool
            and record.starttime >= pool._invalidate_time
            and (recycle < 0 or time.time() - record.starttime < recycle)
        )

    def _close(self, _engine: Engine) -> None:
        """The engine was disposed of: close what is kept (inside dispose's greenlet)."""
        idle, self._idle = self._idle, []
        for fairy in idle:
            fairy.invalidate()


def _in_transaction(raw: Any) -> bool:
    if isinstance(raw, InlineConnection):
        return raw.in_transaction
    return bool(raw.is_in_transaction())  # asyncpg


_KEPT: weakref.WeakKeyDictionary[Engine, Kept] = weakref.WeakKeyDictionary()
