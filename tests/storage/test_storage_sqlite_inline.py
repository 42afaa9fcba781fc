"""SQLite without a thread per call: waits for a lock on the event loop, never inside SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.storage import sqlite_inline
from kiegram.storage.db import create_engine


@pytest.fixture
async def two_engines(tmp_path: Path) -> tuple[AsyncEngine, AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'inline.sqlite3'}"
    first, second = create_engine(url), create_engine(url)
    async with first.begin() as conn:
        await conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield first, second
    await first.dispose()
    await second.dispose()


async def test_calls_run_on_the_event_loop_thread(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    engine, _ = two_engines
    threads = threading.active_count()
    for n in range(20):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 20
    assert threading.active_count() == threads  # aiosqlite starts one per connection


async def test_a_writer_waits_for_another_engines_lock_without_stopping_the_loop(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = two_engines
    ticks = 0
    ticked = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            if ticks >= 20:
                ticked.set()
            await asyncio.sleep(0.005)

    async def second_writes() -> None:
        async with second.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (2)"))

    async with first.begin() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        waiting = asyncio.create_task(second_writes())
        clock = asyncio.create_task(ticker())
        # Counted in ticks, not seconds: a loaded machine may stall the whole process for a
        # while, which says nothing about SQLite. A writer waiting inside SQLite would stop
        # the loop until its busy timeout ends the wait with an error: no ticks, then done.
        await asyncio.wait_for(ticked.wait(), 5)  # the write lock is held all this time
        assert not waiting.done()  # still waiting, and the loop kept running meanwhile
    await asyncio.wait_for(waiting, 5)
    clock.cancel()
    async with first.connect() as conn:
        rows = (await conn.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all()
    assert rows == [1, 2]


async def test_a_lock_held_past_the_deadline_is_a_clear_error(
    two_engines: tuple[AsyncEngine, AsyncEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_SECONDS", 0.1)
    first, second = two_engines
    async with first.begin() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(OperationalError, match="database is locked") as caught:
            async with second.begin() as other:
                await other.execute(text("INSERT INTO t VALUES (2)"))
        assert isinstance(caught.value.orig, sqlite3.OperationalError)
    async with second.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 1


async def test_sessions_of_one_engine_queue_for_its_connection(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    engine, _ = two_engines

    async def add(n: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0)  # let the others try to begin meanwhile

    await asyncio.gather(*(add(n) for n in range(30)))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 30
