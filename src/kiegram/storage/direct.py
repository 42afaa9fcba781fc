"""The hot path's statements on the driver: SQLAlchemy compiles them, the driver runs them.

A short transaction through SQLAlchemy's async engine cost ~220 µs of CPU on SQLite (a
greenlet per call, an execution context, the result machinery) for an upsert the driver
runs in ~15 µs; a confirm runs five of them. `Direct` keeps what SQLAlchemy gives us (the
Core statement, its compilation for the dialect with the type processing of every bind and
column, the engine's pool, its exception classes) and drops the rest: a statement is compiled
once per set of parameter names (`prepared`) and run on the pooled driver connection itself:
the `sqlite3` connection inside `sqlite_inline.InlineConnection`, or asyncpg's.

The API is the part of `AsyncConnection` the stores use (`execute` returning a result with
`first`, `one`, `scalar_one`, ...; rows with attribute access), so a store switches by asking
`Direct` instead of the engine for its connection. Errors come out as SQLAlchemy's
(`IntegrityError`, ...), a lost connection renews the pool as SQLAlchemy's own execution
does, and the engine's `before_cursor_execute` listeners still see every statement. A few
connections (one of a SQLite file's two) stay checked out between statements (`kept`): the
pool's checkout and return cost about as much CPU as the statement.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, NamedTuple, NoReturn, Protocol

import asyncpg  # type: ignore[import-untyped]
from asyncpg.exceptions import ConnectionDoesNotExistError  # type: ignore[import-untyped]
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import (
    DatabaseError,
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    InternalError,
    MultipleResultsFound,
    NoResultFound,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement

from kiegram.internals import cursor_listeners, in_greenlet
from kiegram.storage.kept import RECYCLE_SECONDS, Kept, keep_limit
from kiegram.storage.prepared import Prepared
from kiegram.storage.sqlite_inline import (
    SQLITE_BUSY,
    SQLITE_BUSY_SNAPSHOT,
    InlineConnection,
    when_free,
)

log = logging.getLogger(__name__)
MAX_PREPARED = 500


class Result:
    """What a statement returned: its rows and how many rows it touched."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        """Every row."""
        return list(self._rows)

    def first(self) -> Any:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any:
        """The only row, or None; more than one is an error."""
        if len(self._rows) > 1:
            raise MultipleResultsFound("more than one row where at most one was expected")
        return self.first()

    def one(self) -> Any:
        """The only row; none or several is an error."""
        row = self.one_or_none()
        if row is None:
            raise NoResultFound("no row where one was expected")
        return row

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        """The first column of the only row."""
        return self.one()[0]


class _Driver(Protocol):
    async def run(self, prepared: Prepared, args: list[Any]) -> Result: ...
    async def begin(self) -> None: ...
    async def end(self, commit: bool) -> None: ...
    def failure(self, exc: Exception, sql: str, args: list[Any]) -> Failure: ...


class Failure(NamedTuple):
    """A driver's error as SQLAlchemy's (or itself, when it is not the database's), whether
    the server dropped the connection (`lost`: every earlier one is suspect too), and
    whether this connection is in an unknown state (`broken`: it alone leaves the pool)."""

    error: Exception
    lost: bool = False
    broken: bool = False


class _Sqlite:
    """sqlite3 in the event loop's thread, waiting out another connection's lock (as
    `sqlite_inline` does)."""

    def __init__(self, conn: InlineConnection, dialect: Dialect) -> None:
        self._db = conn._live()
        self._dialect = dialect

    async def run(self, prepared: Prepared, args: list[Any]) -> Result:
        if prepared.results is None:
            prepared.learn(self._dialect, [None] * len(prepared.columns))
        cursor = self._db.cursor()
        try:
            try:
                cursor.execute(prepared.sql, args)
            except sqlite3.OperationalError as exc:
                # Inside a transaction (IMMEDIATE: it holds the write lock) nothing waits; a
                # lone statement waits for another connection's lock, or runs again when the
                # database changed under its read (nothing of it was done either way).
                if self._db.in_transaction or _code(exc) not in _RETRY:
                    raise
                await when_free(lambda: cursor.execute(prepared.sql, args), _RETRY)
            raw = cursor.fetchall() if prepared.returns_rows else []
            return Result(prepared.rows(raw), cursor.rowcount)
        finally:
            cursor.close()

    async def begin(self) -> None:
        # IMMEDIATE, as every transaction here (see `db._sqlite_begin`).
        await when_free(lambda: self._db.execute("BEGIN IMMEDIATE"))

    async def end(self, commit: bool) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT" if commit else "ROLLBACK")

    def failure(self, exc: Exception, sql: str, args: list[Any]) -> Failure:
        """sqlite3's errors are DB-API errors: SQLAlchemy's class of the same name."""
        if not isinstance(exc, sqlite3.Error):
            return Failure(exc)
        closed = isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc)
        return Failure(DBAPIError.instance(sql, args, exc, sqlite3.Error), broken=closed)


_RETRY = (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT)


def _code(exc: sqlite3.Error) -> int | None:
    return getattr(exc, "sqlite_errorcode", None)


class _Postgres:
    """asyncpg, through its own prepared-statement cache."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self._dialect = dialect
        self._tx: Any = None

    async def run(self, prepared: Prepared, args: list[Any]) -> Result:
        if prepared.results is None:  # some processors depend on the column's type on the wire
            oids = []
            if prepared.returns_rows:
                statement = await self._conn.prepare(prepared.sql)
                oids = [a.type.oid for a in statement.get_attributes()]
            prepared.learn(self._dialect, oids)
        if prepared.returns_rows:
            raw = await self._conn.fetch(prepared.sql, *args)
            return Result(prepared.rows(raw), len(raw))
        status = await self._conn.execute(prepared.sql, *args)
        count = status.rsplit(" ", 1)[-1]
        return Result([], int(count) if count.isdigit() else -1)

    async def begin(self) -> None:
        self._tx = self._conn.transaction()
        await self._tx.start()

    async def end(self, commit: bool) -> None:
        tx, self._tx = self._tx, None
        if tx is not None:
            await (tx.commit() if commit else tx.rollback())

    def failure(self, exc: Exception, sql: str, args: list[Any]) -> Failure:
        """asyncpg's error as SQLAlchemy's class for its SQLSTATE (as the DB-API names them);
        the connection is lost when closed or refused for good by the server, and broken
        after an error of asyncpg's own state machine (an operation still in progress)."""
        lost = bool(self._conn.is_closed())
        if isinstance(exc, asyncpg.PostgresError):
            state = str(exc.sqlstate or "")
            lost = lost or state[:2] == "08" or state in _SERVER_GONE
            return Failure(_BY_CLASS.get(state[:2], DatabaseError)(sql, args, exc), lost)
        if isinstance(exc, asyncpg.InterfaceError | asyncpg.InternalClientError | OSError):
            lost = lost or isinstance(exc, OSError | ConnectionDoesNotExistError)
            error = (OperationalError if lost else InterfaceError)(sql, args, exc)
            return Failure(error, lost, broken=isinstance(exc, asyncpg.InternalClientError))
        return Failure(exc, lost)


# SQLSTATE classes (the first two characters) and the DB-API error each stands for, as
# psycopg and SQLAlchemy's asyncpg adapter map them.
_BY_CLASS: dict[str, type[DBAPIError]] = {
    "08": OperationalError,  # connection exception
    "0A": NotSupportedError,
    "22": DataError,
    "23": IntegrityError,
    "25": InternalError,  # invalid transaction state
    "40": OperationalError,  # serialization failure, deadlock
    "42": ProgrammingError,
    "53": OperationalError,  # insufficient resources
    "54": OperationalError,
    "55": OperationalError,
    "57": OperationalError,  # operator intervention (a terminated backend, a shutdown)
    "58": OperationalError,
    "XX": InternalError,
}
_SERVER_GONE = {"57P01", "57P02", "57P03"}  # admin shutdown, crash shutdown, cannot connect


class DirectConnection:
    """A pooled connection, used through its driver."""

    def __init__(self, owner: Direct, driver: _Driver, fairy: Any) -> None:
        self.dialect = owner.dialect
        self._owner = owner
        self._driver = driver
        self._fairy = fairy

    async def execute(
        self, statement: ClauseElement, params: Mapping[str, Any] | None = None
    ) -> Result:
        """Run `statement` with `params` (by name, as for SQLAlchemy)."""
        values = params or {}
        prepared = self._owner.prepared(statement, tuple(values))
        args = prepared.args(values)
        watchers = cursor_listeners(self._owner.sync)
        if watchers:  # the engine's before_cursor_execute listeners (no cursor or context here)
            for watch in watchers:
                watch(None, None, prepared.sql, args, None, False)
        try:
            return await self._driver.run(prepared, args)
        except Exception as exc:
            self._raise(exc, prepared.sql, args)

    async def scalar(
        self, statement: ClauseElement, params: Mapping[str, Any] | None = None
    ) -> Any:
        """The first column of the first row, or None."""
        return (await self.execute(statement, params)).scalar()

    def drop(self, reason: BaseException | None = None) -> None:
        """Take the connection out of the pool (closed instead of reused)."""
        if self._fairy.is_valid:
            self._fairy.invalidate(reason)

    def _raise(self, exc: Exception, sql: str, args: list[Any], drop: bool = False) -> NoReturn:
        """Re-raise a driver error as SQLAlchemy's; a lost connection (or one in an unknown
        state: `drop`) leaves the pool."""
        error, lost, broken = self._driver.failure(exc, sql, args)
        if lost:
            # As SQLAlchemy does: the server went away for every connection made until now
            # (a restart), so each is replaced before it serves again, not after its own error.
            self._owner.kept_lost()
        dropped = lost or broken or drop
        if dropped:
            self.drop(exc)
        if error is exc:
            raise exc
        if isinstance(error, DBAPIError):
            error.connection_invalidated = dropped
        raise error from exc


class Direct:
    """An engine's fast path: connections checked out of its pool (some kept between
    statements), statements compiled once and run on the driver.

    One per engine, built in the composition root (`app`) and passed to every store; its
    prepared statements and kept connections are shared by them. `recycle` is the age in
    seconds after which a connection is replaced (`DB_RECYCLE_SECONDS`). A store given a bare
    engine (a test, a one-off command) builds its own with `fast_path`, keeping none.
    """

    def __init__(
        self, engine: AsyncEngine, recycle: float = RECYCLE_SECONDS, keep: bool = True
    ) -> None:
        self.engine = engine
        self.dialect = engine.sync_engine.dialect
        self.sync = engine.sync_engine
        self._prepared: dict[tuple[int, tuple[str, ...]], tuple[ClauseElement, Prepared]] = {}
        limit = keep_limit(engine) if keep else 0
        self.kept = Kept(engine, limit, recycle) if limit else None

    def kept_lost(self) -> None:
        """A connection was lost: the kept ones (and pooled ones, at checkout) are renewed."""
        if self.kept is not None:
            self.kept.lost()

    def prepared(self, statement: ClauseElement, keys: tuple[str, ...]) -> Prepared:
        """`statement` compiled for this database and these parameter names (once)."""
        found = self._prepared.get((id(statement), keys))
        if found is None:
            if len(self._prepared) >= MAX_PREPARED:
                # A caller building its statement per call: correct, but compiles every
                # time (and would grow this without end). Statements belong in constants.
                log.warning("more than %d statements prepared; starting over", MAX_PREPARED)
                self._prepared.clear()
            found = (statement, Prepared.compile(statement, self.dialect, keys))
            # Kept with the statement: while it is here, no other object can take its id.
            self._prepared[(id(statement), keys)] = found
        return found[1]

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[DirectConnection]:
        """A connection whose statements each commit on their own."""
        async with self._checkout() as conn:
            yield conn

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[DirectConnection]:
        """A connection in a transaction, committed on a clean exit, else rolled back."""
        async with self._checkout() as conn:
            driver = conn._driver
            try:
                await driver.begin()
            except Exception as exc:
                conn._raise(exc, "BEGIN", [])
            try:
                yield conn
            except BaseException:
                try:
                    await driver.end(commit=False)
                except Exception:
                    log.warning("rollback failed; the connection leaves the pool", exc_info=True)
                    conn.drop()
                raise
            try:
                await driver.end(commit=True)
            except Exception as exc:
                conn._raise(exc, "COMMIT", [], drop=True)  # the transaction's state is unknown

    @asynccontextmanager
    async def _checkout(self) -> AsyncIterator[DirectConnection]:
        kept = self.kept
        fairy = await kept.take() if kept is not None else None
        if fairy is None:
            fairy = await self.engine.raw_connection()
        try:
            conn = DirectConnection(self, self._driver(fairy.driver_connection), fairy)
            try:
                yield conn
            except BaseException as exc:
                if not isinstance(exc, Exception):
                    # Cancelled (or stopped) in the middle: whatever the driver was doing,
                    # the connection's state is unknown, so it does not go back to the pool.
                    conn.drop(exc)
                raise
        finally:
            if kept is None or not kept.keep(fairy):
                await in_greenlet(fairy.close)  # back to the pool (its reset is async)

    def _driver(self, raw: Any) -> _Driver:
        if isinstance(raw, InlineConnection):
            return _Sqlite(raw, self.dialect)
        if self.dialect.driver == "asyncpg":
            return _Postgres(raw, self.dialect)
        raise TypeError(f"no direct path for {type(raw).__name__}")


def fast_path(db: Direct | AsyncEngine) -> Direct:
    """The fast path a store runs its statements on: the app's one `Direct` of the engine,
    or, for a bare engine, a path of the store's own that keeps no connection (sharing
    none, it cannot hold a SQLite file's second connection away from sessions)."""
    return db if isinstance(db, Direct) else Direct(db, keep=False)
