"""Picks the shared back-ends: Redis when REDIS_URL is set, the database otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Dispatcher
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.scale.dedup import UpdateDedup
from kiegram.scale.local_gate import LocalUpdateGate
from kiegram.scale.middleware_order import before_conversation
from kiegram.scale.ports import CLAIM_SECONDS, DONE_SECONDS, Locks, UpdateGate
from kiegram.scale.redis_store import RedisLocks, RedisUpdateGate, connect
from kiegram.storage.db import session_factory
from kiegram.storage.scale_store import SqlLocks, SqlUpdateGate


@dataclass
class Scale:
    """The update gate, the locks and (with Redis) the client they share."""

    gate: UpdateGate
    locks: Locks
    redis: Redis | None = None
    prefix: str = "kiegram"
    claim_seconds: float = CLAIM_SECONDS

    def guard(self, dp: Dispatcher, *, active: bool = True) -> UpdateDedup:
        """Install the de-duplicating outer middleware on every update of `dp`."""
        dedup = UpdateDedup(self.gate, active=active, claim_seconds=self.claim_seconds)
        before_conversation(dp, dedup)  # claimed before the user's lock is awaited
        return dedup

    async def aclose(self) -> None:
        """Close the Redis client (the engine belongs to the app)."""
        if self.redis is not None:
            await self.redis.aclose()


def build_scale(
    redis_url: str,
    prefix: str,
    engine: AsyncEngine,
    *,
    claim_seconds: float = CLAIM_SECONDS,
    done_seconds: float = DONE_SECONDS,
    alone: bool = False,
) -> Scale:
    """Redis-backed parts when `redis_url` is set, database tables otherwise; the update
    gate of a process `alone` with its bot (it receives every update: SQLite, or
    SINGLE_INSTANCE) in memory."""
    if redis_url:
        redis = connect(redis_url)
        gate = RedisUpdateGate(redis, prefix, claim_seconds, done_seconds)
        return Scale(gate, RedisLocks(redis, prefix), redis, prefix, claim_seconds)
    locks = SqlLocks(session_factory(engine))
    if alone:
        local = LocalUpdateGate(claim_seconds, done_seconds)
        return Scale(local, locks, claim_seconds=claim_seconds)
    sql_gate = SqlUpdateGate(engine, claim_seconds, done_seconds)  # on the driver (`direct`)
    return Scale(sql_gate, locks, claim_seconds=claim_seconds)
