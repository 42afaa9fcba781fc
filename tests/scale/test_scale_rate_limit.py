"""KIE's create budget shared by the instances on one Redis (issue #26): together they never
pass it, and one alone (the other dead) may use all of it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack

import pytest
from kit.databases import redis_url
from redis.asyncio import Redis

from kiegram.kie.errors import KieShuttingDown
from kiegram.kie.limiter import SlidingWindowLimiter
from kiegram.kie.retry import Sleep
from kiegram.scale.rate_limit import SharedRateLimiter, creates_limiter


class Told:
    """A limiter whose first wait is noted and ends it (closed: the caller gets
    KieShuttingDown), so a test sees how long it was told to wait, without waiting."""

    def __init__(self, make: Callable[[Sleep], SlidingWindowLimiter]) -> None:
        self.waits: list[float] = []
        self.limiter = make(self.sleep)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.limiter.close()

    async def refused(self) -> float:
        """Acquire, expecting to be told to wait: how long."""
        with pytest.raises(KieShuttingDown):
            await self.limiter.acquire()
        return self.waits[-1]


def limiter(client: Redis, prefix: str) -> Told:
    return Told(lambda sleep: SharedRateLimiter(client, f"{prefix}:kie:creates", 3, sleep=sleep))


async def test_two_instances_share_one_budget_and_one_alone_uses_all_of_it(prefix: str) -> None:
    client: Redis = Redis.from_url(redis_url())
    first, second = limiter(client, prefix), limiter(client, prefix)
    await first.limiter.acquire()
    await second.limiter.acquire()
    await second.limiter.acquire()  # three grants in the window: the budget, across both
    assert 9.0 < await first.refused() <= 10.0  # until the oldest grant leaves the window
    assert 9.0 < await second.refused() <= 10.0

    alone = limiter(client, f"{prefix}-alone")  # the other instance died: all three are its
    for _ in range(3):
        await alone.limiter.acquire()
    assert await alone.refused() > 9.0
    await client.aclose()


async def test_an_unreachable_redis_counts_alone() -> None:
    client: Redis = Redis.from_url("redis://127.0.0.1:1/0")
    told = Told(lambda sleep: SharedRateLimiter(client, "nowhere", 2, sleep=sleep))
    await told.limiter.acquire()
    await told.limiter.acquire()
    assert await told.refused() > 9.0  # the process's own window: two per 10 s
    await client.aclose()


async def test_the_limiter_is_shared_only_with_redis(prefix: str) -> None:
    async with AsyncExitStack() as stack:
        alone = creates_limiter("", prefix, 20, stack)
        shared = creates_limiter(redis_url(), prefix, 20, stack)
    assert type(alone) is SlidingWindowLimiter and alone.max_calls == 20
    assert isinstance(shared, SharedRateLimiter) and shared.max_calls == 20
