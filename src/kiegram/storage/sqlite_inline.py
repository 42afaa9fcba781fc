"""SQLite for the async engine without a thread hop per call.

SQLAlchemy's `sqlite+aiosqlite` dialect talks to aiosqlite, which runs every cursor call
(`execute`, `fetchall`, `close`, `commit`, ...) on a worker thread and wakes the event loop
for each answer: about 150 µs per call, six or seven calls per statement, against 3-5 µs for
the statement itself on a local WAL database. `InlineConnection` has the shape of an
aiosqlite connection but calls `sqlite3` directly in the event loop's thread.

A call must then never wait inside SQLite: the event loop would stop, and with it the
coroutine holding the lock. So SQLite's busy handler is off (`busy_timeout=0`) and a
statement refused with SQLITE_BUSY (another connection holds the write lock: another engine
of this process, a CLI command, a second process) is retried after an asynchronous sleep,
for up to `BUSY_SECONDS`. Every transaction begins IMMEDIATE (see `db`), so a refused
statement is always a BEGIN or a lone statement, and retrying it is safe. Within one engine
`create_engine` keeps two pooled connections: `direct` keeps one for the hot path's
statements, sessions queue on the event loop for the other. With WAL and
`synchronous=NORMAL` a commit does not wait for the disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

Row = tuple[Any, ...]
BUSY_SECONDS = 5.0  # how long a statement waits for another connection's write lock
SQLITE_BUSY = 5  # the plain code: not BUSY_SNAPSHOT and friends, which a retry cannot cure
# ... within a transaction. A lone statement outside one (autocommit) that found the database
# changed since its read began can simply run again.
SQLITE_BUSY_SNAPSHOT = 517


async def when_free(run: Callable[[], Any], cure: Collection[int] = (SQLITE_BUSY,)) -> Any:
    """`run()`, retried with growing asynchronous sleeps while the database is busy (refused
    with one of the error codes in `cure`)."""
    delay, deadline = 0.001, 0.0
    while True:
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in cure:
                raise
            now = time.monotonic()
            deadline = deadline or now + BUSY_SECONDS
            if now >= deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


class _Immediately:
    """Stands in for aiosqlite's job queue: runs a job at once and resolves its future.

    SQLAlchemy's adapter sets `isolation_level` by queueing a function there.
    """

    @staticmethod
    def put_nowait(job: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = job
        try:
            future.set_result(function())
        except Exception as exc:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(exc)


class InlineCursor:
    """An aiosqlite-shaped cursor over a `sqlite3.Cursor`."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        args = () if parameters is None else parameters
        await when_free(lambda: self._cursor.execute(sql, args))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(parameters)
        await when_free(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Row | None:
        row: Row | None = self._cursor.fetchone()
        return row

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        size = self._cursor.arraysize if size is None else size
        return self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *_sizes: Any) -> None:
        """Not used by SQLite."""

    async def nextset(self) -> None:
        """SQLite has one result set per statement."""

    def __aiter__(self) -> InlineCursor:
        return self

    async def __anext__(self) -> Row:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row  # type: ignore[no-any-return]

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorContext:
    """What `connection.cursor()` returns: awaitable and an async context manager."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *_exc: object) -> None:
        await self._cursor.close()


class InlineConnection:
    """An aiosqlite-shaped connection that runs `sqlite3` calls in the caller's thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._tx = _Immediately()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """aiosqlite's name for the live connection (None once closed)."""
        return self._conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("Connection closed")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open (aiosqlite's name)."""
        return self._live().in_transaction

    def cursor(self) -> _CursorContext:
        return _CursorContext(InlineCursor(self._live().cursor()))

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = InlineCursor(self._live().cursor())
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._live().create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (also SQLAlchemy's forced terminate); closing twice is a no-op."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


def inline_creator(path: str) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine` opening `path` with `InlineConnection`.

    The connection is in autocommit mode (SQLAlchemy's "begin" hook emits the BEGIN), in WAL
    mode with `synchronous=NORMAL` (durable against a crash of the process; only a power
    loss may drop the last commits), with foreign keys on and SQLite's busy handler off.
    """

    async def connect() -> InlineConnection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=0")
        await when_free(lambda: conn.execute("PRAGMA journal_mode=WAL"))
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        return InlineConnection(conn)

    return connect
