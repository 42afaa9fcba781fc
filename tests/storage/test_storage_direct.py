"""Statements run on the driver (`storage.direct`) behave as SQLAlchemy's execution does:
the same rows and types, the same errors, transactions that commit or roll back, defaults
filled in, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InvalidRequestError, NoResultFound
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.jobs.model import Job, JobState
from kiegram.storage import direct as direct_module
from kiegram.storage.billing_tables import FreeUseRow, User
from kiegram.storage.db import create_engine
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.jobs_repo import SqlJobStore, _claim
from kiegram.storage.jobs_table import JobRow
from kiegram.storage.users_store import SqlUserStore

NOW = datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=UTC)


def _uid() -> int:
    return uuid.uuid4().int % 10**12


def _job(**changes: Any) -> Job:
    values: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "user_id": _uid(),
        "chat_id": 5,
        "model_id": "flux-2/pro-text-to-image",
        "api": "market",
        "output": "image",
        "payload": {"prompt": "лиса в снегу", "n": 2, "nested": {"ok": True}},
        "cost": Decimal("12.5000"),
        "hold_key": None,
        "lang": "ru",
        "state": JobState.PENDING,
        "created_at": NOW,
        "updated_at": NOW,
        "next_poll_at": NOW,
        "deadline_at": NOW + timedelta(hours=1),
    }
    return Job(**{**values, **changes})


async def _user(direct: Direct, **values: Any) -> int:
    user_id = _uid()
    async with direct.begin() as conn:
        await conn.execute(insert(User), {"id": user_id, "username": "fox", **values})
    return user_id


async def test_rows_and_types_are_sqlalchemys(engine: AsyncEngine) -> None:
    store = SqlJobStore(engine)
    job = _job(result_urls=("https://x/1.png",), task_id=f"t{uuid.uuid4().hex}")
    await store.add(job)
    by_id = select(JobRow.__table__).where(JobRow.id == bindparam("job_id"))
    async with engine.connect() as conn:
        expected = (await conn.execute(by_id, {"job_id": job.id})).one()
    async with Direct(engine).connect() as direct:
        got = (await direct.execute(by_id, {"job_id": job.id})).one()
    assert tuple(got) == tuple(expected)
    assert got._fields == expected._fields
    assert got.created_at == NOW and got.created_at.tzinfo is not None
    assert got.cost == Decimal("12.5") and isinstance(got.cost, Decimal)
    assert got.payload == job.payload and got.result_urls == ["https://x/1.png"]
    assert await store.get(job.id) == job
    assert await store.by_task_id(job.task_id or "") == job


async def test_defaults_are_filled_in_and_booleans_and_dates_round_trip(
    engine: AsyncEngine,
) -> None:
    direct = Direct(engine)
    user_id = await _user(direct)  # no created_at, blocked, balance or held given
    key = uuid.uuid4().hex
    free = {"job_key": key, "user_id": user_id, "day": date(2026, 11, 26), "returned": True}
    async with direct.begin() as conn:
        await conn.execute(insert(FreeUseRow), free)
        account = (
            await conn.execute(select(User).where(User.id == bindparam("u")), {"u": user_id})
        ).one()
        use = (
            await conn.execute(
                select(FreeUseRow).where(FreeUseRow.job_key == bindparam("k")), {"k": key}
            )
        ).one()
    assert (account.blocked, account.balance, account.held, account.language) == (
        False,
        0,
        0,
        "ru",
    )
    created = account.created_at  # SQLite's DateTime keeps no zone (as for SQLAlchemy)
    assert abs(created.replace(tzinfo=created.tzinfo or UTC) - NOW.now(UTC)) < timedelta(minutes=1)
    async with engine.connect() as conn:
        row = (await conn.execute(select(User).where(User.id == user_id))).one()
    assert tuple(row) == tuple(account)
    assert (use.day, use.returned) == (date(2026, 11, 26), True)


async def test_a_refused_write_is_sqlalchemys_integrity_error_and_rolls_back(
    engine: AsyncEngine,
) -> None:
    direct = Direct(engine)
    taken = await _user(direct)
    fresh = _uid()
    with pytest.raises(IntegrityError):
        async with direct.begin() as conn:
            await conn.execute(insert(User), {"id": fresh, "username": "a"})
            await conn.execute(insert(User), {"id": taken, "username": "b"})
    async with direct.connect() as conn:
        gone = await conn.scalar(select(User.id).where(User.id == bindparam("u")), {"u": fresh})
        kept = await conn.scalar(select(User.id).where(User.id == bindparam("u")), {"u": taken})
    assert gone is None and kept == taken


async def test_an_error_in_the_block_rolls_back_and_the_connection_serves_on(
    engine: AsyncEngine,
) -> None:
    direct = Direct(engine)
    user_id = _uid()
    with pytest.raises(RuntimeError, match="handler broke"):
        async with direct.begin() as conn:
            await conn.execute(insert(User), {"id": user_id, "username": "a"})
            raise RuntimeError("handler broke")
    async with direct.begin() as conn:
        missing = await conn.scalar(
            select(User.id).where(User.id == bindparam("u")), {"u": user_id}
        )
        await conn.execute(insert(User), {"id": user_id, "username": "again"})
    assert missing is None
    async with direct.connect() as conn:
        name = await conn.scalar(
            select(User.username).where(User.id == bindparam("u")), {"u": user_id}
        )
    assert name == "again"


async def test_results_answer_like_sqlalchemys(engine: AsyncEngine) -> None:
    direct = Direct(engine)
    nobody = select(User.id).where(User.id == bindparam("u"))
    async with direct.connect() as conn:
        empty = await conn.execute(nobody, {"u": -1})
        assert empty.first() is None and empty.scalar() is None and empty.all() == []
        with pytest.raises(NoResultFound):
            (await conn.execute(nobody, {"u": -1})).one()
        with pytest.raises(InvalidRequestError, match="'u'"):
            await conn.execute(nobody, {})
        limited = select(func.abs(bindparam("n", value=-3)))
        assert await conn.scalar(limited) == 3  # the value bound in the statement
        assert await conn.scalar(limited, {"n": -5}) == 5  # or the call's
        moved = await conn.execute(
            User.__table__.update().where(User.id == bindparam("u")).values(balance=0), {"u": -1}
        )
        assert moved.rowcount == 0


async def test_an_in_list_fixed_in_the_statement_expands_one_given_per_call_is_refused(
    engine: AsyncEngine,
) -> None:
    store = SqlJobStore(engine)
    owner = uuid.uuid4().hex
    due = _job(next_poll_at=datetime(2000, 1, 1, tzinfo=UTC))
    await store.add(due)
    claimed = await store.claim_due(datetime(2000, 1, 2, tzinfo=UTC), owner, 60, limit=50)
    assert due.id in {job.id for job in claimed}
    assert _claim(engine.dialect.name) is _claim(engine.dialect.name)
    per_call = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    async with Direct(engine).connect() as conn:
        with pytest.raises(TypeError, match="IN list"):
            await conn.execute(per_call, {"ids": [1, 2]})


async def test_a_transition_compares_and_sets_on_any_of_the_expected_states(
    engine: AsyncEngine,
) -> None:
    store = SqlJobStore(engine)
    job = _job()
    await store.add(job)
    assert await store.transition(job.id, {JobState.SUCCEEDED}, JobState.FAILED) is None
    moved = await store.transition(
        job.id, {JobState.SUBMITTED, JobState.PENDING}, JobState.SUBMITTED, task_id="t1"
    )
    assert moved is not None and moved.state is JobState.SUBMITTED and moved.task_id == "t1"


async def test_listeners_of_the_engine_see_each_statement(engine: AsyncEngine) -> None:
    seen: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", watch)
    try:
        async with Direct(engine).connect() as conn:
            await conn.execute(select(func.count()).select_from(User))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", watch)
    assert len(seen) == 1 and seen[0].startswith("SELECT count(*)")


async def test_statements_built_per_call_are_compiled_again_without_growing(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(direct_module, "MAX_PREPARED", 3)
    direct = Direct(engine)
    caplog.set_level(logging.WARNING, "kiegram.storage.direct")
    async with direct.connect() as conn:
        for n in range(7):
            assert await conn.scalar(select(func.abs(bindparam("n"))), {"n": -n}) == n
    assert len(direct._prepared) <= 3
    assert "statements prepared" in caplog.text


async def test_a_lone_write_waits_for_another_connections_lock_without_stopping_the_loop(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    path = engine.url.database or ""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    direct = Direct(engine)
    user_id = _uid()
    write = asyncio.create_task(_user_with_id(direct, user_id))
    ticks = 0
    while ticks < 20:  # the loop keeps turning while the write waits
        await asyncio.sleep(0.001)
        ticks += 1
    assert not write.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(write, 5)
    async with direct.connect() as conn:
        assert await conn.scalar(select(User.id).where(User.id == bindparam("u")), {"u": user_id})


async def _user_with_id(direct: Direct, user_id: int) -> None:
    async with direct.connect() as conn:
        await conn.execute(insert(User), {"id": user_id, "username": "late"})


@pytest.fixture
async def own(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine of the test's own on the PostgreSQL database (its pool is the test's)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's pool (SQLite's one connection is never kept or dropped)")
    own = create_engine(str(engine.url.render_as_string(hide_password=False)))
    yield own
    await own.dispose()


async def _pid(direct: Direct) -> int:
    async with direct.connect() as conn:
        pid: int = await conn.scalar(select(func.pg_backend_pid()))
        return pid


async def _terminate(engine: AsyncEngine, pid: int) -> None:
    async with engine.connect() as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await admin.commit()


async def _backends(engine: AsyncEngine) -> set[int]:
    """The server's connections to this database, a moment after any just closed."""
    await asyncio.sleep(0.2)
    async with engine.connect() as admin:
        rows = await admin.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return {row.pid for row in rows}


async def _two_pids(direct: Direct) -> tuple[int, int]:
    """Two statements at once: two connections, both kept afterwards."""
    both = asyncio.Event()

    async def one() -> int:
        async with direct.connect() as conn:
            pid: int = await conn.scalar(select(func.pg_backend_pid()))
            if not both.is_set():
                both.set()
                await asyncio.sleep(0.05)
            return pid

    first, second = await asyncio.gather(one(), one())
    assert first != second
    return first, second


async def test_a_connection_the_server_dropped_leaves_the_pool(
    engine: AsyncEngine, own: AsyncEngine
) -> None:
    direct = Direct(own)
    pid = await _pid(direct)
    await _terminate(engine, pid)
    with pytest.raises(DBAPIError) as caught:
        await _pid(direct)  # the dead connection is handed out again
    assert caught.value.connection_invalidated
    assert await _pid(direct) != pid


async def test_a_statement_cancelled_in_a_transaction_leaves_no_connection_behind(
    engine: AsyncEngine, own: AsyncEngine
) -> None:
    direct = Direct(own)
    user_id = _uid()
    started = asyncio.Event()
    pids: list[int] = []

    async def slow() -> None:
        async with direct.begin() as conn:
            pids.append(await conn.scalar(select(func.pg_backend_pid())))
            await conn.execute(insert(User), {"id": user_id, "username": "half"})
            started.set()
            await conn.execute(select(func.pg_sleep(5)))

    task = asyncio.create_task(slow())
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.sleep(0.05)  # inside pg_sleep now (or about to be)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with direct.connect() as conn:  # the pool serves on
        assert await conn.scalar(select(func.count()).select_from(User)) is not None
        stored = await conn.scalar(select(User.id).where(User.id == bindparam("u")), {"u": user_id})
        assert await conn.scalar(select(func.pg_backend_pid())) != pids[0]
    assert stored is None  # the transaction did not commit
    # Out only: the connection that served on, kept for the next statement.
    assert direct.kept is not None
    assert own.sync_engine.pool.checkedout() == 1 == direct.kept.idle
    assert pids[0] not in await _backends(engine)  # the cancelled one was closed


async def test_postgresql_connections_stay_with_direct_between_statements_until_disposed(
    engine: AsyncEngine, own: AsyncEngine
) -> None:
    direct = Direct(own)  # the engine's one, shared by its stores
    jobs, users = SqlJobStore(direct), SqlUserStore(direct, ())
    pid = await _pid(direct)
    await jobs.get("none")
    await users.touch(_uid(), "fox", "ru")
    assert await _pid(direct) == pid  # kept for every store of the engine
    assert own.sync_engine.pool.checkedout() == 1
    async with own.connect() as session:  # sessions get a pooled connection meanwhile
        assert await session.scalar(select(func.pg_backend_pid())) != pid
    first, second = await _two_pids(direct)
    assert pid in (first, second)
    assert {await _pid(direct), await _pid(direct)} <= {first, second}
    assert direct.kept is not None and direct.kept.idle == 2
    await own.dispose()
    assert not {first, second} & await _backends(engine)  # dispose closed the kept ones
    assert direct.kept.idle == 0


async def test_a_lost_connection_renews_the_kept_ones_too(
    engine: AsyncEngine, own: AsyncEngine
) -> None:
    direct = Direct(own)
    first, second = await _two_pids(direct)
    dead = await _pid(direct)  # the newest kept one (it is handed out next)
    await _terminate(engine, dead)
    with pytest.raises(DBAPIError):
        await _pid(direct)
    # The other one still lives, but a lost connection renews every earlier one.
    assert await _pid(direct) not in (first, second)


async def test_a_connection_past_the_recycle_age_is_renewed_kept_or_pooled(
    own: AsyncEngine,
) -> None:
    direct = Direct(own, recycle=3600)
    pid = await _pid(direct)
    async with own.connect() as session:  # a pooled one, for sessions
        pooled = await session.scalar(select(func.pg_backend_pid()))
    assert await _pid(direct) == pid
    assert direct.kept is not None
    direct.kept.recycle = 0.5  # as DB_RECYCLE_SECONDS=0.5: both are past it in a moment
    await asyncio.sleep(0.6)
    fresh = await _pid(direct)
    assert fresh != pid
    async with own.connect() as session:
        assert await session.scalar(select(func.pg_backend_pid())) not in (pid, pooled, fresh)


async def test_a_session_that_finds_its_connection_dropped_renews_the_kept_ones(
    engine: AsyncEngine, own: AsyncEngine
) -> None:
    """The engine's `handle_error` (a disconnect, as SQLAlchemy or the driver tells it)
    starts a new generation: kept connections made before it are not used again."""
    direct = Direct(own)
    kept = await _pid(direct)
    async with own.connect() as session:
        pid = await session.scalar(select(func.pg_backend_pid()))
        await _terminate(engine, pid)
        await asyncio.sleep(0.1)
        with pytest.raises(DBAPIError) as caught:
            await session.scalar(select(func.pg_backend_pid()))
        assert caught.value.connection_invalidated
    assert await _pid(direct) != kept


async def test_sqlite_keeps_one_of_its_two_connections_for_direct_and_sessions_use_the_other(
    engine: AsyncEngine,
) -> None:
    """Each pool checkout and return was a greenlet round costing about what the statement
    did; one connection now stays with the engine's `Direct`s, the other serves sessions."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's two connections")
    checkouts: list[int] = []
    event.listen(engine.sync_engine, "checkout", lambda raw, *_: checkouts.append(id(raw)))
    direct = Direct(engine)  # the engine's one, shared by its stores
    jobs, users = SqlJobStore(direct), SqlUserStore(direct, ())
    await _user(direct)
    await jobs.get("none")
    await users.touch(_uid(), "fox", "ru")
    assert len(checkouts) == 1  # taken once, kept for every store of the engine
    assert engine.sync_engine.pool.checkedout() == 1
    async with engine.begin() as session:  # a session gets the other connection meanwhile
        raw = await session.get_raw_connection()
        assert id(raw.dbapi_connection) != checkouts[0]
        await session.execute(insert(User), {"id": _uid(), "username": "session"})
    assert engine.sync_engine.pool.checkedout() == 1


async def test_a_sqlite_direct_write_waits_out_a_sessions_transaction_and_then_lands(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's two connections")
    direct = Direct(engine)
    await _user(direct)  # the direct connection is kept from here on
    user_id = _uid()
    async with engine.begin() as session:  # holds the write lock (BEGIN IMMEDIATE)
        await session.execute(insert(User), {"id": _uid(), "username": "session"})
        write = asyncio.create_task(_user_with_id(direct, user_id))
        for _ in range(20):  # the loop keeps turning while the write waits
            await asyncio.sleep(0.001)
        assert not write.done()
    await asyncio.wait_for(write, 5)
    async with direct.connect() as conn:
        assert await conn.scalar(select(User.id).where(User.id == bindparam("u")), {"u": user_id})


async def test_stores_share_the_engines_one_path_and_a_bare_engine_keeps_no_connection(
    engine: AsyncEngine,
) -> None:
    """The app builds one `Direct` per engine and hands it to every store; a store given the
    engine alone (a test, a one-off command) gets a path of its own that keeps nothing, so it
    can never hold a SQLite file's second connection away from sessions."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's two connections")
    direct = Direct(engine)
    assert fast_path(direct) is direct
    bare = fast_path(engine)
    assert bare is not direct and bare.kept is None
    await _user(bare)
    assert engine.sync_engine.pool.checkedout() == 0  # went back to the pool
    await _user(direct)
    assert engine.sync_engine.pool.checkedout() == 1  # kept by the engine's one path
    async with engine.begin() as session:  # the other connection still serves sessions
        await session.execute(insert(User), {"id": _uid(), "username": "session"})
