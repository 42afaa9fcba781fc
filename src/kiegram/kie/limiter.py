"""A sliding-window rate limiter that makes callers wait in line instead of failing."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from kiegram.kie.retry import Sleep


class RateLimiter(Protocol):
    """Anything that can make a caller wait for its turn."""

    async def acquire(self) -> None:
        """Return when the caller may proceed."""
        ...


class SlidingWindowLimiter:
    """At most ``max_calls`` acquisitions in any ``period`` seconds, granted in FIFO order."""

    def __init__(
        self,
        max_calls: int = 20,
        period: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_calls < 1 or period <= 0:
            raise ValueError("max_calls must be >= 1 and period > 0")
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._granted: deque[float] = deque()
        # asyncio.Lock wakes waiters in arrival order and newcomers do not barge: FIFO.
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a call is allowed, then count it."""
        async with self._lock:
            while True:
                now = self._clock()
                while self._granted and now - self._granted[0] >= self.period:
                    self._granted.popleft()
                if len(self._granted) < self.max_calls:
                    self._granted.append(now)
                    return
                await self._sleep(self._granted[0] + self.period - now)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        return None
