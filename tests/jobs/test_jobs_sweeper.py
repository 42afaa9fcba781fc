"""Holds and free uses whose job was never stored are given back once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from jobs_fakes import FakeClock, Harness
from sqlalchemy import delete, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.billing import FreeQuota, FreeStatus, HoldStatus, Ledger, utc_today
from kiegram.jobs.model import Job, utcnow
from kiegram.jobs.poller import Poller
from kiegram.jobs.sweeper import HoldSweeper, OpenHold
from kiegram.scale import run_exclusive
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry, User
from kiegram.storage.db import create_engine, session_factory
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.orphans import SqlOrphanHolds
from kiegram.storage.scale_store import SqlLocks
from kiegram.storage.users_store import SqlUserStore

USER = 501
FREE_USER = 502


@dataclass
class Instance:
    """One process's billing and sweeper over its own engine (a connection pool)."""

    engine: AsyncEngine
    ledger: Ledger
    quota: FreeQuota
    jobs: SqlJobStore
    clock: FakeClock
    sweeper: HoldSweeper


def instance(db_url: str) -> Instance:
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    store = SqlLedgerStore(engine)
    ledger, quota = Ledger(store), FreeQuota(store, per_day=3, max_units=10)
    clock = FakeClock()
    sweeper = HoldSweeper(SqlOrphanHolds(sessions), ledger, quota, clock=clock)
    return Instance(engine, ledger, quota, SqlJobStore(engine), clock, sweeper)


@pytest.fixture
async def one(db_url: str) -> AsyncIterator[Instance]:
    """An instance with two users: one with 100 units, one on the free quota."""
    inst = instance(db_url)
    users = SqlUserStore(inst.engine, ())
    for user_id in (USER, FREE_USER):
        await users.touch(user_id, None, "ru")
    await inst.ledger.grant(USER, 100, "grant:sweeper", admin_id=1, reason="test")
    yield inst
    async with inst.engine.begin() as connection:  # the PostgreSQL database is shared
        for table in (FreeUseRow, LedgerEntry, User):
            await connection.execute(delete(table))
    await inst.engine.dispose()


async def stored_job(inst: Instance, key: str, user_id: int = USER) -> Job:
    now = utcnow()
    job = Job(
        user_id=user_id,
        chat_id=user_id,
        model_id="google/nano-banana",
        api="market",
        output="image",
        payload={},
        cost=Decimal(5),
        hold_key=key,
        deadline_at=now + timedelta(minutes=10),
    )
    await inst.jobs.add(job)
    return job


async def balance(inst: Instance, user_id: int = USER) -> int:
    return (await inst.ledger.account(user_id)).balance


async def test_an_orphaned_hold_is_released_once(one: Instance) -> None:
    assert (await one.ledger.hold(USER, 30, "job:501:dead")).status is HoldStatus.PLACED
    assert await balance(one) == 70
    one.clock.advance(11 * 60)
    released = await one.sweeper.sweep()
    assert [(h.key, h.user_id, h.free) for h in released] == [("job:501:dead", USER, False)]
    assert await balance(one) == 100
    assert await one.sweeper.sweep() == []  # settled: never released twice
    assert await balance(one) == 100
    assert (await one.ledger.account(USER)).held == 0


async def test_an_orphaned_free_use_is_returned_once(one: Instance) -> None:
    taken = await one.quota.use_free(FREE_USER, utc_today(), "job:502:dead", 5)
    assert taken.status is FreeStatus.TAKEN
    assert await one.quota.left(FREE_USER, utc_today()) == 2
    one.clock.advance(11 * 60)
    released = await one.sweeper.sweep()
    assert [(h.key, h.free) for h in released] == [("job:502:dead", True)]
    assert await one.quota.left(FREE_USER, utc_today()) == 3
    assert await one.sweeper.sweep() == []


async def test_holds_with_a_job_are_left_alone(one: Instance) -> None:
    await one.ledger.hold(USER, 20, "job:501:alive")
    await one.quota.use_free(FREE_USER, utc_today(), "job:502:alive", 5)
    await stored_job(one, "job:501:alive")
    await stored_job(one, "job:502:alive", FREE_USER)
    one.clock.advance(60 * 60)
    assert await one.sweeper.sweep() == []
    assert await balance(one) == 80
    assert await one.quota.left(FREE_USER, utc_today()) == 2


async def test_a_fresh_hold_is_left_alone_until_it_is_old(one: Instance) -> None:
    await one.ledger.hold(USER, 10, "job:501:slow")
    await one.quota.use_free(FREE_USER, utc_today(), "job:502:slow", 5)
    one.clock.advance(5 * 60)  # the submit may still be on its way
    assert await one.sweeper.sweep() == []
    assert await balance(one) == 90
    one.clock.advance(6 * 60)
    assert {h.key for h in await one.sweeper.sweep()} == {"job:501:slow", "job:502:slow"}
    assert await balance(one) == 100


async def test_settled_holds_and_other_keys_are_not_orphans(one: Instance) -> None:
    await one.ledger.hold(USER, 10, "job:501:captured")
    await one.ledger.capture("job:501:captured")
    await one.ledger.hold(USER, 10, "job:501:released")
    await one.ledger.release("job:501:released")
    await one.ledger.hold(USER, 10, "other:501:1")  # not a desk key: someone else's hold
    one.clock.advance(11 * 60)
    assert await one.sweeper.sweep() == []
    assert await balance(one) == 80


async def test_two_sweepers_at_once_release_each_orphan_once(one: Instance, db_url: str) -> None:
    other = instance(db_url)
    try:
        for n in range(5):
            await one.ledger.hold(USER, 10, f"job:501:o{n}")
        await one.quota.use_free(FREE_USER, utc_today(), "job:502:o", 5)
        assert await balance(one) == 50
        one.clock.advance(11 * 60)
        other.clock.now = one.clock.now
        first, second = await asyncio.gather(one.sweeper.sweep(), other.sweeper.sweep())
        keys = [h.key for h in first + second]
        assert sorted(keys) == sorted([f"job:501:o{n}" for n in range(5)] + ["job:502:o"])
        assert await balance(one) == 100
        assert await one.quota.left(FREE_USER, utc_today()) == 3
        assert await SqlLedgerStore(one.engine).mismatches() == []
    finally:
        await other.engine.dispose()


async def test_under_the_lock_one_instance_sweeps(one: Instance, db_url: str) -> None:
    other = instance(db_url)
    try:
        await one.ledger.hold(USER, 40, "job:501:locked")
        one.clock.advance(11 * 60)
        other.clock.now = one.clock.now
        locks = SqlLocks(session_factory(one.engine)), SqlLocks(session_factory(other.engine))
        runs = await asyncio.gather(
            run_exclusive(locks[0], "sweep-holds", one.sweeper.sweep, owner="a"),
            run_exclusive(locks[1], "sweep-holds", other.sweeper.sweep, owner="b"),
        )
        released: list[OpenHold] = [h for ran, result in runs if ran for h in result or []]
        assert [h.key for h in released] == ["job:501:locked"]
        assert await balance(one) == 100
    finally:
        await other.engine.dispose()


async def test_the_poller_sweeps_at_start_up(harness: Harness) -> None:
    sweeps: list[int] = []
    stop = asyncio.Event()

    async def sweep() -> None:
        sweeps.append(1)
        stop.set()  # stop after the first sweep: it ran before any wait

    poller = Poller(harness.service, sweep=sweep, sweep_every=3600)
    await poller.run(stop)
    assert sweeps == [1]


async def test_the_sweepers_lookups_are_indexed(one: Instance) -> None:
    """Each orphan candidate is checked against jobs.hold_key, and free uses by their date:
    both indexed, or a sweep scans the whole jobs table once per candidate."""

    def indexed(connection: Any, table: str) -> set[tuple[str, ...]]:
        return {tuple(i["column_names"]) for i in inspect(connection).get_indexes(table)}

    async with one.engine.connect() as connection:
        jobs = await connection.run_sync(indexed, "jobs")
        free_uses = await connection.run_sync(indexed, "free_uses")
    assert ("hold_key",) in jobs
    assert ("created_at",) in free_uses
