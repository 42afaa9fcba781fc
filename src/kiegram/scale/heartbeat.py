"""Renewing a short claim while the work under it runs, so a death is noticed in seconds.

A claim (an update's, a user's conversation lock) that its holder renews every third of its
life runs out a few seconds after the holder died, instead of after a generous fixed time.
Most work ends within milliseconds: the first renewal is only scheduled (a timer, no task),
and a task is started only when the work outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)
BEATS_PER_LIFE = 3


@contextlib.asynccontextmanager
async def renewed(life: float, renew: Callable[[], Awaitable[object]]) -> AsyncIterator[None]:
    """Call `renew` every `life / 3` seconds while the block runs (never after it ends)."""
    every = life / BEATS_PER_LIFE
    loop = asyncio.get_running_loop()
    beating: list[asyncio.Task[None]] = []

    async def beat() -> None:
        while True:
            try:
                await renew()
            except Exception as exc:  # the claim may run out: the next beat tries again
                log.warning("renewing a claim failed: %s", exc)
            await asyncio.sleep(every)

    timer = loop.call_later(every, lambda: beating.append(asyncio.ensure_future(beat())))
    try:
        yield
    finally:
        timer.cancel()
        for task in beating:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
