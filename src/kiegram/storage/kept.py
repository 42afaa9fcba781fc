"""Pooled connections kept checked out between statements, for the direct path (`direct`).

SQLAlchemy's pool checks a connection out and takes it back in a greenlet round each: on
asyncpg ~70 µs of CPU around a ~80 µs statement, on SQLite ~25 µs around ~30. An engine's one
`Direct` keeps a few idle connections instead (PostgreSQL's, and one of a SQLite file's two).

Whether a connection may still serve is decided here, on SQLAlchemy's public hooks only: the
pool's `connect` event stamps each new connection's record (`info`) with its birth time and
the current generation; a lost connection (the engine's `handle_error` with `is_disconnect`,
or the direct path's own) starts a new generation, since a server that dropped one dropped
them all (a restart); the recycle age is ours (`DB_RECYCLE_SECONDS`). A connection of an
older generation or past that age is invalidated (`invalidate()`) rather than used: a kept one
when it is taken, a pooled one at checkout (the `checkout` event raises SQLAlchemy's
`DisconnectionError`, so the pool connects afresh, for sessions too).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.internals import in_greenlet
from kiegram.storage.sqlite_inline import InlineConnection

KEEP = 4  # PostgreSQL connections kept per engine
KEEP_SQLITE = 1  # of a SQLite file's two (the other serves sessions)
RECYCLE_SECONDS = 1800.0  # DB_RECYCLE_SECONDS's default
STAMP = "kiegram.stamp"  # a connection record's info key: (monotonic birth, generation)


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
    """An engine's connections kept checked out between statements, and the rule that says
    which connection may still serve (module doc). Built once per engine, by its `Direct`.
    """

    def __init__(self, engine: AsyncEngine, limit: int, recycle: float) -> None:
        self.limit = limit
        self.recycle = recycle  # seconds; a connection this old is replaced (< 0: never)
        self.generation = 0
        self._idle: list[Any] = []
        sync: Engine = engine.sync_engine
        event.listen(sync, "connect", self._stamp)
        event.listen(sync, "checkout", self._checkout)
        event.listen(sync, "handle_error", self._error)
        event.listen(sync, "engine_disposed", self._close)

    @property
    def idle(self) -> int:
        """How many connections are kept now."""
        return len(self._idle)

    async def take(self) -> Any:
        """A kept connection that may still serve, or None."""
        while self._idle:
            fairy = self._idle.pop()
            if fairy.is_valid and self.serves(fairy.info):
                return fairy
            # Closed and given back to the pool, which connects afresh at its next checkout.
            await in_greenlet(fairy.invalidate)
        return None

    def keep(self, fairy: Any) -> bool:
        """Keep `fairy` for the next statement; False when it must go back to the pool."""
        if len(self._idle) >= self.limit or not fairy.is_valid or not self.serves(fairy.info):
            return False
        if _in_transaction(fairy.driver_connection):  # never: `begin` ends its own
            return False
        self._idle.append(fairy)
        return True

    def lost(self) -> None:
        """A connection was lost: every one made until now is replaced before it serves."""
        self.generation += 1

    def serves(self, info: dict[Any, Any]) -> bool:
        """Whether the connection whose record holds `info` is of this generation and
        younger than the recycle age."""
        stamp = info.get(STAMP)
        if stamp is None:  # made before this engine's `Direct`: from now on, then
            stamp = info[STAMP] = (time.monotonic(), self.generation)
        born, generation = stamp
        if generation != self.generation:
            return False
        return self.recycle < 0 or time.monotonic() - born < self.recycle

    def _stamp(self, _dbapi_connection: Any, record: Any) -> None:
        record.info[STAMP] = (time.monotonic(), self.generation)

    def _checkout(self, _dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if not self.serves(record.info):
            # The pool's documented answer: it invalidates this one and connects afresh.
            raise DisconnectionError("connection of an earlier generation or past its age")

    def _error(self, context: ExceptionContext) -> None:
        if not context.is_disconnect and _closed(context):
            # SQLAlchemy 2.0 does not read every error of asyncpg's for a dropped connection
            # (`InternalClientError`); the driver knows its connection is closed.
            context.is_disconnect = True
        if context.is_disconnect:
            self.lost()

    def _close(self, _engine: Engine) -> None:
        """The engine was disposed of: close what is kept (inside dispose's greenlet)."""
        self.lost()  # connections checked out across the dispose are not kept either
        idle, self._idle = self._idle, []
        for fairy in idle:
            fairy.invalidate()


def _closed(context: ExceptionContext) -> bool:
    connection = context.connection
    if connection is None or connection.invalidated or connection.closed:
        return False
    raw = connection.connection.driver_connection
    is_closed = getattr(raw, "is_closed", None)  # asyncpg's
    return bool(is_closed()) if callable(is_closed) else False


def _in_transaction(raw: Any) -> bool:
    if isinstance(raw, InlineConnection):
        return raw.in_transaction
    return bool(raw.is_in_transaction())  # asyncpg
