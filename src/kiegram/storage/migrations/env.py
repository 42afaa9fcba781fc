"""Alembic environment: runs migrations over an async engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import kiegram.storage.tables  # noqa: F401  (registers every table on Base.metadata)
from kiegram.storage.db import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def _main() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or ""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run_async(url))
        return
    raise RuntimeError("run migrations from a worker thread (kiegram.storage.db.upgrade)")


_main()
