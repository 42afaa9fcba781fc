"""KIE's create budget shared by every instance on one Redis (issue #26).

KIE takes so many new tasks per 10 s per account (`KIE_CREATES_PER_10S`). Each instance
counting for itself had to be given a part of it by hand, and an instance that died took
its part with it: the survivor went on at half speed (40 confirms after a kill mid-update
took the survivor 30 s to send). With Redis the instances count in one sliding window, a
sorted set `<prefix>:kie:creates` of the grants of the last period, timed by Redis's clock:
together they never pass the account's budget, and one instance alone may use all of it.

Callers of one process still wait in arrival order (the local lock); should Redis fail, the
process counts alone (the inherited window) until it answers again.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from contextlib import AsyncExitStack

from redis.asyncio import Redis
from redis.exceptions import RedisError

from kiegram.kie.errors import KieShuttingDown
from kiegram.kie.limiter import SlidingWindowLimiter
from kiegram.kie.retry import Sleep
from kiegram.scale.redis_store import connect, millis
from kiegram.scale.singleton import process_owner

log = logging.getLogger(__name__)
PERIOD = 10.0

# Drop the grants older than the period; grant one if fewer than the limit remain (0), or
# answer the milliseconds until the oldest one leaves the window.
TAKE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], period)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + period - now)
"""


class SharedRateLimiter(SlidingWindowLimiter):
    """At most `max_calls` grants in any `period` seconds across every instance on `redis`
    (the module's notes); a `SlidingWindowLimiter` to the KIE client and the app."""

    def __init__(
        self,
        redis: Redis,
        key: str,
        max_calls: int,
        period: float = PERIOD,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(max_calls, period, sleep=sleep)
        self._redis = redis
        self._key = key
        self._grants = (f"{process_owner()}:{n}" for n in itertools.count())
        self._turn = asyncio.Lock()  # this process's callers in arrival order

    async def acquire(self) -> None:
        """Wait until the shared window has room, then take a place in it."""
        async with self._turn:
            while True:
                if self._closed.is_set():
                    raise KieShuttingDown()
                try:
                    wait = await self._take()
                except (RedisError, OSError) as exc:
                    log.warning(
                        "the shared KIE rate limit is unreachable (%s): counting alone", exc
                    )
                    await super().acquire()
                    return
                if not wait:
                    return
                await self._wait(wait / 1000)

    async def _take(self) -> int:
        answer = await self._redis.eval(
            TAKE_SCRIPT,
            1,
            self._key,
            self.max_calls,
            millis(self.period),
            next(self._grants),
        )
        return int(answer)


def creates_limiter(
    redis_url: str, prefix: str, per_10s: int, stack: AsyncExitStack
) -> SlidingWindowLimiter:
    """KIE's create budget: shared through Redis when `redis_url` is set (its client closed
    with `stack`), counted by this process alone otherwise."""
    if not redis_url:
        return SlidingWindowLimiter(per_10s, PERIOD)
    redis = connect(redis_url)
    stack.push_async_callback(redis.aclose)
    return SharedRateLimiter(redis, f"{prefix}:kie:creates", per_10s)
