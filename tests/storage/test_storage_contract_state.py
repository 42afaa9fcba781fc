"""Jobs, conversations and the ledger: the same storage contract on SQLite and PostgreSQL.

Redis stands in for the conversation store when REDIS_URL is set, so the FSM contract also
runs against the Redis conversations with our key builder (via `build_scale`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from kit.databases import redis_url
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.billing import HoldStatus, Ledger
from kiegram.billing.results import SettleStatus
from kiegram.fsm.base import CachedStorage
from kiegram.fsm.redis import redis_conversations
from kiegram.fsm.sql import SqlStorage
from kiegram.jobs.model import Job, JobState
from kiegram.scale import build_scale
from kiegram.storage.conversations import ConversationStore
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.users_store import SqlUserStore

NOW = datetime(2031, 1, 1, tzinfo=UTC)


def _uid() -> int:
    return 10**6 + uuid.uuid4().int % 10**9


def _job(**fields: object) -> Job:
    values: dict[str, object] = {
        "user_id": _uid(),
        "chat_id": 1,
        "model_id": "z-image",
        "api": "market",
        "output": "image",
        "payload": {"prompt": "лиса"},
        "cost": Decimal(3),
        "deadline_at": NOW + timedelta(minutes=10),
        "created_at": NOW,
        "updated_at": NOW,
        "next_poll_at": NOW,
        "state": JobState.SUBMITTED,
        "task_id": f"t-{uuid.uuid4().hex}",
    }
    values.update(fields)
    return Job(**values)  # type: ignore[arg-type]


async def test_a_due_job_is_leased_by_one_instance(engine: AsyncEngine) -> None:
    store = SqlJobStore(engine)
    job = _job(next_poll_at=datetime(2000, 1, 1, tzinfo=UTC))
    await store.add(job)
    later = datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC)
    claims = await asyncio.gather(*(store.claim_due(later, f"i{n}", 30, 500) for n in range(4)))
    owners = [n for n, jobs in enumerate(claims) if job.id in {j.id for j in jobs}]
    assert len(owners) == 1
    assert job.id not in {j.id for j in await store.claim_due(later, "x", 30, 500)}
    expired = later + timedelta(seconds=31)  # the holder died: its lease runs out
    assert job.id in {j.id for j in await store.claim_due(expired, "x", 30, 500)}


async def test_a_job_finishes_once(engine: AsyncEngine) -> None:
    store = SqlJobStore(engine)
    job = _job()
    await store.add(job)
    moves = await asyncio.gather(
        *(store.transition(job.id, {JobState.SUBMITTED}, JobState.SUCCEEDED) for _ in range(6))
    )
    assert sum(m is not None for m in moves) == 1
    found = await store.by_task_id(job.task_id or "")
    assert found is not None and found.state is JobState.SUCCEEDED


@pytest.fixture(params=["database", "redis"])
async def fsm(
    request: pytest.FixtureRequest, engine: AsyncEngine, redis_prefix: str
) -> AsyncIterator[BaseStorage]:
    if request.param == "database":
        yield SqlStorage(ConversationStore(engine))
        return
    if engine.dialect.name != "sqlite":
        yield SqlStorage(ConversationStore(engine))  # Redis once is enough; this is a repeat
        return
    scale = build_scale(redis_url(), redis_prefix, engine)
    assert scale.redis is not None
    yield CachedStorage(redis_conversations(scale.redis, scale.prefix))
    await scale.aclose()


async def test_a_conversation_is_shared_by_every_instance(fsm: BaseStorage) -> None:
    key = StorageKey(bot_id=42, chat_id=_uid(), user_id=7)
    await fsm.set_state(key, "Wizard:step")
    await fsm.set_data(key, {"wizard": {"model": "z-image", "values": {"prompt": "ёж"}}})
    await fsm.update_data(key, {"lang": "en"})
    assert await fsm.get_state(key) == "Wizard:step"
    assert await fsm.get_data(key) == {
        "wizard": {"model": "z-image", "values": {"prompt": "ёж"}},
        "lang": "en",
    }
    other = StorageKey(bot_id=42, chat_id=key.chat_id, user_id=8)
    assert await fsm.get_state(other) is None and await fsm.get_data(other) == {}
    broadcast = StorageKey(bot_id=42, chat_id=0, user_id=0, destiny="broadcast")
    await fsm.set_data(broadcast, {"cursor": 5})
    assert await fsm.get_data(broadcast) == {"cursor": 5}
    await fsm.set_state(key, None)
    assert await fsm.get_state(key) is None


async def test_racing_holds_never_overdraw(engine: AsyncEngine) -> None:
    ledger_store = SqlLedgerStore(engine)
    ledger = Ledger(ledger_store)
    uid = _uid()
    await SqlUserStore(engine, ()).touch(uid, None, "ru")
    await ledger.grant(uid, 30, f"g:{uid}", 1, "contract")
    holds = await asyncio.gather(*(ledger.hold(uid, 10, f"h:{uid}:{n}") for n in range(5)))
    placed = [n for n, h in enumerate(holds) if h.status is HoldStatus.PLACED]
    assert len(placed) == 3
    settled = await asyncio.gather(
        ledger.capture(f"h:{uid}:{placed[0]}"),
        ledger.release(f"h:{uid}:{placed[0]}"),
        ledger.release(f"h:{uid}:{placed[1]}"),
    )
    assert settled[0].status is SettleStatus.CAPTURED or settled[1].status is SettleStatus.RELEASED
    assert sum(s.status in (SettleStatus.CAPTURED, SettleStatus.RELEASED) for s in settled) == 2
    account = await ledger_store.account(uid)
    assert account is not None and account.balance in (10, 20)
    assert uid not in await ledger_store.mismatches()
