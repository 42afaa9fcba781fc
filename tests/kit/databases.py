"""Throw-away PostgreSQL databases and Redis key prefixes for tests (never skipped: CI has both)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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
