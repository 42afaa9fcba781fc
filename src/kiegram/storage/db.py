"""The declarative base, the engine factory and migrations."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Insert, MetaData, Table, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import AsyncAdaptedQueuePool

from kiegram.jsontext import dumps, loads
from kiegram.storage.sqlite_inline import inline_creator

MIGRATIONS = Path(__file__).parent / "migrations"
# JSON columns (conversation data, job payloads) are encoded on nearly every update.
JSON_CODEC: dict[str, Any] = {"json_serializer": dumps, "json_deserializer": loads}
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL is durable against crashes of the process (the usual pairing); only
    # a power loss may drop the last commits. FULL pays an fsync on every commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # pysqlite's own transaction handling begins lazily and deferred; SQLAlchemy's "begin"
    # event (below) emits the BEGIN instead.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front (waiting for it as `sqlite_inline` does): two
    # deferred transactions that read and then write would fail with "database is locked"
    # at once, however long they waited, when one cannot upgrade its read snapshot.
    # Straight to the driver: SQLAlchemy's own statement path costs more than the BEGIN.
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    except connection.dialect.loaded_dbapi.Error as exc:
        # Raised the way SQLAlchemy raises a statement's error (callers catch those).
        raise DBAPIError.instance(
            "BEGIN IMMEDIATE", None, exc, connection.dialect.loaded_dbapi.Error
        ) from exc
    finally:
        cursor.close()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite files get WAL mode, a busy timeout and calls without threads.

    A SQLite file is used through two connections (see `sqlite_inline`): the hot path's
    statements keep one (`direct`), sessions use the other (a session waiting for it waits on
    the event loop rather than inside SQLite). SQLite has one writer at a time anyway: a
    write on one connection waits out the other's transaction asynchronously.
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        database = make_url(url).database or ""
        if database and database != ":memory:":
            engine = create_async_engine(
                url,
                **JSON_CODEC,
                async_creator=inline_creator(database),
                # Named: before 2.0.38 a file's default pool was NullPool, which has no size.
                poolclass=AsyncAdaptedQueuePool,
                pool_size=2,
                max_overflow=0,
                pool_timeout=60,
            )
        else:
            engine = create_async_engine(url, **JSON_CODEC)
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        sync: Engine = engine.sync_engine
        event.listen(sync, "begin", _sqlite_begin)
        return engine
    # No pre-ping: asyncpg's costs three round trips on every checkout. After a server
    # restart the first statement on a dead connection fails (that update is answered with
    # an apology, `bot.routers.errors`), the pool drops every connection, and the next
    # checkout connects afresh. The app's `Direct` renews connections by age
    # (DB_RECYCLE_SECONDS) and after a lost one, at checkout (`storage.kept`).
    return create_async_engine(url, **JSON_CODEC, pool_size=10, max_overflow=10)


def upsert_insert(dialect: str) -> Callable[..., Any]:
    """`insert` with ON CONFLICT support for this database (PostgreSQL's, else SQLite's)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@functools.cache
def insert_if_new(table: Table, dialect: str, returning: bool = False) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING (RETURNING the new row) for `dialect`, built once."""
    statement: Insert = upsert_insert(dialect)(table).on_conflict_do_nothing()
    return statement.returning(*table.c) if returning else statement


def session_factory(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    """Sessions that keep objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(url: str, revision: str = "heads") -> None:
    """Apply migrations up to `revision` (runs Alembic in a worker thread)."""
    _ensure_sqlite_dir(url)
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
