"""A sliding-window rate limiter that makes callers wait in line instead of failing."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from kiegram.kie.errors import KieShuttingDown
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
        self._closed = asyncio.Event()

    async def acquire(self) -> None:
        """Wait until a call is allowed, then count it; after `close`, raise KieShuttingDown."""
        async with self._lock:
            while True:
                if self._closed.is_set():
                    raise KieShuttingDown()
                now = self._clock()
                while self._granted and now - self._granted[0] >= self.period:
                    self._granted.popleft()
                if len(self._granted) < self.max_calls:
                    self._granted.append(now)
                    return
                await self._wait(self._granted[0] + self.period - now)

    def close(self) -> None:
        """Shutdown: callers still waiting (and later ones) get KieShuttingDown at once."""
        self._closed.set()

    async def _wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less if the limiter is closed meanwhile."""
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        closing = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait({sleeping, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (sleeping, closing):
                waiter.cancel()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        return None
