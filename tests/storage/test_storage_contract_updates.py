"""The update gate and the singleton locks: one contract, on SQLite, PostgreSQL and Redis (and
the gate in memory of a process alone with its bot, `local`: its locks are SQLite's)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from kit.databases import redis_url
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.scale import LocalUpdateGate, Locks, UpdateGate, build_scale, connect
from kiegram.scale.redis_store import RedisLocks, RedisUpdateGate
from kiegram.storage import scale_store
from kiegram.storage.db import create_engine, session_factory
from kiegram.storage.scale_store import HandledUpdateRow, SqlLocks, SqlUpdateGate


class Clock:
    """Seconds that only move when the test says so (the SQL stores take a clock)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "pg", "redis", "local"])
async def backends(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[tuple[UpdateGate, Locks]]:
    """The gate and the locks on one back-end."""
    if request.param == "redis":
        client = connect(redis_url())
        yield RedisUpdateGate(client, redis_prefix, 60, 3600), RedisLocks(client, redis_prefix)
        await client.aclose()
        return
    alone = request.param == "local"
    database = "sqlite" if alone else request.param
    engine = create_engine(request.getfixturevalue(f"{database}_contract_url"))
    scale = build_scale("", "unused", engine, claim_seconds=60, done_seconds=3600, alone=alone)
    assert isinstance(scale.gate, LocalUpdateGate if alone else SqlUpdateGate)
    yield scale.gate, scale.locks
    await engine.dispose()


def _key() -> str:
    return f"42:{uuid.uuid4().int % 10**9}"


async def test_an_update_is_claimed_once(backends: tuple[UpdateGate, Locks]) -> None:
    gate, _ = backends
    key = _key()
    assert await gate.claim(key)
    assert not await gate.claim(key)
    await gate.done(key)
    assert not await gate.claim(key)
    assert await gate.claim(_key())


async def test_racing_claims_have_one_winner(backends: tuple[UpdateGate, Locks]) -> None:
    gate, _ = backends
    key = _key()
    results = await asyncio.gather(*(gate.claim(key) for _ in range(10)))
    assert results.count(True) == 1


async def test_a_released_claim_can_be_claimed_again(backends: tuple[UpdateGate, Locks]) -> None:
    gate, _ = backends
    key = _key()
    assert await gate.claim(key)
    await gate.release(key)
    assert await gate.claim(key)
    await gate.done(key)
    await gate.release(key)  # a handled update is never given back
    assert not await gate.claim(key)


async def test_a_lock_has_one_holder(backends: tuple[UpdateGate, Locks]) -> None:
    _, locks = backends
    name = f"broadcast-{uuid.uuid4().hex[:8]}"
    assert await locks.acquire(name, "a", 30)
    assert not await locks.acquire(name, "b", 30)
    assert await locks.acquire(name, "a", 30)  # re-entrant for its owner
    assert await locks.renew(name, "a", 30)
    assert not await locks.renew(name, "b", 30)
    assert not await locks.release(name, "b")
    assert await locks.release(name, "a")
    assert await locks.acquire(name, "b", 30)


async def test_racing_acquires_have_one_winner(backends: tuple[UpdateGate, Locks]) -> None:
    _, locks = backends
    name = f"reminders-{uuid.uuid4().hex[:8]}"
    results = await asyncio.gather(*(locks.acquire(name, f"o{i}", 30) for i in range(10)))
    assert results.count(True) == 1


async def test_expired_claims_and_locks_pass_on(engine: AsyncEngine) -> None:
    clock = Clock()
    gate = SqlUpdateGate(engine, 60, 3600, clock)
    locks = SqlLocks(session_factory(engine), clock)
    key, name = _key(), f"sweep-{uuid.uuid4().hex[:8]}"
    assert await gate.claim(key) and await locks.acquire(name, "dead", 30)
    clock.now += 61  # the claimer died: its claim ran out, Telegram's retry gets through
    assert await gate.claim(key) and await locks.acquire(name, "alive", 30)
    assert not await locks.renew(name, "dead", 30)
    await gate.done(key)
    clock.now += 3000
    assert not await gate.claim(key)
    clock.now += 700
    assert await gate.claim(key)  # forgotten after the done period


async def test_expired_redis_claims_and_locks_pass_on(redis_prefix: str) -> None:
    client = connect(redis_url())
    gate = RedisUpdateGate(client, redis_prefix, 0.2, 0.4)
    locks = RedisLocks(client, redis_prefix)
    key, name = _key(), "sweep"
    assert await gate.claim(key) and await locks.acquire(name, "dead", 0.2)
    assert not await gate.claim(key) and not await locks.acquire(name, "alive", 30)
    # Each runs out on its own clock: the lock was taken a moment after the claim, so it may
    # still be held when the claim has just run out (CI saw that moment).
    await _eventually(lambda: gate.claim(key))
    await _eventually(lambda: locks.acquire(name, "alive", 30))
    assert not await locks.renew(name, "dead", 30)
    await client.aclose()


async def _eventually(check: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never became true")


async def test_each_gate_call_is_one_lone_statement(engine: AsyncEngine) -> None:
    """Every webhook update is claimed and marked done: a claim of a new key is one
    INSERT ... ON CONFLICT DO NOTHING (no IntegrityError round trip); done and release one
    statement each."""
    gate = SqlUpdateGate(engine, 60, 3600)
    seen: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(" ".join(statement.split()))

    sync = engine.sync_engine
    listeners = [("before_cursor_execute", watch)]
    for name, listener in listeners:
        event.listen(sync, name, listener)
    try:
        key = _key()
        assert await gate.claim(key)
        new_claim, seen[:] = list(seen), []
        assert not await gate.claim(key)
        taken_claim, seen[:] = list(seen), []
        await gate.done(key)
        done, seen[:] = list(seen), []
        await gate.release(key)
        release = list(seen)
    finally:
        for name, listener in listeners:
            event.remove(sync, name, listener)
    assert len(new_claim) == 1 and new_claim[0].startswith("INSERT INTO handled_updates")
    assert new_claim[0].endswith("ON CONFLICT DO NOTHING")
    assert len(taken_claim) == 2 and taken_claim[1].startswith("UPDATE handled_updates")
    assert len(done) == 1 and done[0].startswith("UPDATE handled_updates")
    assert len(release) == 1 and release[0].startswith("DELETE FROM handled_updates")


async def test_expired_claims_are_purged_now_and_then(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale_store, "PURGE_EVERY", 3)
    clock = Clock()
    gate = SqlUpdateGate(engine, 60, 3600, clock)
    handled, claimed = _key(), _key()
    assert await gate.claim(handled) and await gate.claim(claimed)
    await gate.done(handled)
    clock.now += 3601  # both ran out
    kept = _key()
    assert await gate.claim(kept)  # the third claim sweeps first
    table = HandledUpdateRow.__table__
    keys = [handled, claimed, kept]
    async with engine.connect() as conn:
        left = await conn.scalars(select(table.c.key).where(table.c.key.in_(keys)))
        assert list(left) == [kept]
