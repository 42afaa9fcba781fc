"""Retry with capped exponential backoff and full jitter, as small pure functions."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often to try and how long to wait; ``attempts`` counts the first try."""

    attempts: int = 4
    base: float = 1.0
    factor: float = 2.0
    cap: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base < 0 or self.factor < 1 or self.cap < 0:
            raise ValueError("RetryPolicy needs attempts >= 1, base >= 0, factor >= 1, cap >= 0")


def backoff_delays(
    base: float, factor: float, cap: float, attempts: int, rng: random.Random
) -> list[float]:
    """Return ``attempts`` delays, the i-th uniform in [0, min(cap, base * factor**i)]."""
    delays: list[float] = []
    ceiling = min(cap, base)
    for _ in range(max(attempts, 0)):
        delays.append(rng.uniform(0.0, ceiling))
        # Grow step by step so huge attempt counts never overflow a float.
        ceiling = min(cap, ceiling * factor)
    return delays


async def retry_async(
    fn: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Sleep,
    should_retry: Callable[[Exception], bool],
    rng: random.Random | None = None,
) -> T:
    """Await ``fn()``; on an error ``should_retry`` accepts, sleep and try again."""
    delays = backoff_delays(
        policy.base, policy.factor, policy.cap, policy.attempts - 1, rng or random.Random()
    )
    for delay in delays:
        try:
            return await fn()
        except Exception as exc:
            if not should_retry(exc):
                raise
        await sleep(delay)
    return await fn()
