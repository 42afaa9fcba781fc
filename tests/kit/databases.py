"""Throw-away databases (migrated copies of a per-process template) and Redis key prefixes for
tests (never skipped: CI has PostgreSQL and Redis)."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from redis.asyncio import Redis

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
T = TypeVar("T")


def pg_admin_url() -> str:
    """The PostgreSQL database tests connect to for CREATE/DROP DATABASE."""
    sqlalchemy_url = os.environ.get("KIEGRAM_TEST_PG", "")
    fallback = sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://") or PG_ADMIN_URL
    return os.environ.get("KIEGRAM_TEST_PG_ADMIN", fallback)


def redis_url() -> str:
    """The Redis tests use (KIEGRAM_TEST_REDIS overrides)."""
    return os.environ.get("KIEGRAM_TEST_REDIS", REDIS_URL)


async def create_pg_database(label: str = "kiegram") -> str:
    """Create an empty database with a unique name; returns its SQLAlchemy (asyncpg) URL."""
    import asyncpg  # type: ignore[import-untyped]

    admin = pg_admin_url()
    name = f"{label}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"


async def drop_pg_database(url: str) -> None:
    """Drop a database made by `create_pg_database` (connections to it are closed)."""
    import asyncpg

    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(pg_admin_url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def unique_prefix(label: str = "kiegram-test") -> str:
    """A Redis key prefix no other test uses."""
    return f"{label}-{uuid.uuid4().hex[:10]}"


async def delete_prefix(url: str, prefix: str) -> int:
    """Delete the keys under `prefix:` (and only those); returns how many went."""
    client: Redis = Redis.from_url(url)
    deleted = 0
    try:
        async for key in client.scan_iter(match=f"{prefix}:*", count=500):
            deleted += int(await client.delete(key))
    finally:
        await client.aclose()
    return deleted


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end on a loop of its own (session fixtures, Alembic)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def temporary_pg_database(label: str, revision: str | None = "heads") -> Iterator[str]:
    """A fresh PostgreSQL database migrated to `revision` (None: empty), dropped afterwards."""
    from kiegram.storage.db import upgrade

    url = run_in_thread(create_pg_database(label))
    try:
        if revision is not None:
            run_in_thread(upgrade(url, revision))
        yield url
    finally:
        run_in_thread(drop_pg_database(url))


# Migrating an empty database to the newest revision costs 1-2 s of CPU (Alembic imports and
# runs every migration); most tests need only the result. Each test process migrates one
# template of each kind once and gives every test its own copy of it (a file copy on SQLite,
# `CREATE DATABASE ... TEMPLATE` on PostgreSQL). The migrations themselves are tested from
# scratch in tests/storage/test_storage_migrations.py and by every test starting the real
# `kiegram run`.
_templates: dict[str, str] = {}
SQLITE_NAME = "kiegram.sqlite3"  # the file the app uses under DATA_DIR without DATABASE_URL


async def _sqlite_template() -> Path:
    found = _templates.get("sqlite")
    if found is None:
        folder = tempfile.mkdtemp(prefix="kiegram-template-")
        atexit.register(shutil.rmtree, folder, True)
        from kiegram.storage.db import upgrade

        found = str(Path(folder) / "template.sqlite3")
        await upgrade(f"sqlite+aiosqlite:///{found}")
        _templates["sqlite"] = found
    return Path(found)


async def migrated_sqlite(path: Path) -> str:
    """An SQLite file at `path` migrated to the newest revision (a copy of this process's
    template); returns its URL."""
    template = await _sqlite_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):  # the template's engine is closed: no WAL is normally left
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return f"sqlite+aiosqlite:///{path}"


async def migrated_data_dir(data_dir: Path) -> Path:
    """`data_dir` as the app leaves it after a first start: the migrated SQLite file it uses
    when DATABASE_URL is unset, and the catalog's cache (`cache/catalog.pickle`). The app's
    own start then finds no migration to run and reads the catalog without parsing its files.
    What is there already stays (a restart in a test keeps its database)."""
    if not (data_dir / SQLITE_NAME).exists():
        await migrated_sqlite(data_dir / SQLITE_NAME)
    cached = _templates.get("catalog")
    if cached is None:
        from kiegram.catalog import load_catalog
        from kiegram.catalog.cache import CACHE_FILE

        folder = (await _sqlite_template()).parent / "cache"
        load_catalog(cache_dir=folder)
        _templates["catalog"] = cached = str(folder / CACHE_FILE)
    (data_dir / "cache").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, data_dir / "cache" / Path(cached).name)
    return data_dir


async def _pg_template() -> str:
    found = _templates.get("postgresql")
    if found is None:
        from kiegram.storage.db import upgrade

        url = await create_pg_database("kiegram_template")
        await upgrade(url)  # Alembic disposes its engine: nobody stays connected to it
        atexit.register(lambda: asyncio.run(drop_pg_database(url)))
        _templates["postgresql"] = found = url
    return found.rsplit("/", 1)[1]


async def migrated_pg_database(label: str = "kiegram") -> str:
    """A new PostgreSQL database migrated to the newest revision (a copy of this process's
    template); returns its SQLAlchemy (asyncpg) URL."""
    import asyncpg

    template = await _pg_template()
    admin = pg_admin_url()
    name = f"{label}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"


_dropping = ThreadPoolExecutor(1, thread_name_prefix="drop-database")


def drop_pg_database_later(url: str) -> Future[None]:
    """Drop a test's database in the background (it waits for the disk, ~1-2 s): the next
    test starts meanwhile. Drops still running finish before the process exits."""
    return _dropping.submit(asyncio.run, drop_pg_database(url))
