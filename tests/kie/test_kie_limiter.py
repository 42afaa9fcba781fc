"""The sliding-window limiter queues callers and never exceeds its window, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from kiegram.kie import KieShuttingDown, SlidingWindowLimiter


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += max(delay, 0.0)
        await asyncio.sleep(0)


def max_in_any_window(times: list[float], period: float) -> int:
    return max(sum(1 for t in times if start <= t < start + period) for start in times)


async def test_45_acquires_never_exceed_20_per_10_seconds_and_all_pass() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(20, 10.0, clock=fake.clock, sleep=fake.sleep)
    granted: list[tuple[int, float]] = []

    async def caller(i: int) -> None:
        await limiter.acquire()
        granted.append((i, fake.clock()))

    await asyncio.gather(*(caller(i) for i in range(45)))

    times = [t for _, t in granted]
    assert len(granted) == 45
    assert max_in_any_window(times, 10.0) == 20
    assert [i for i, _ in granted] == list(range(45))  # FIFO
    assert times[:20] == [0.0] * 20
    assert min(times[20:40]) >= 10.0
    assert min(times[40:]) >= 20.0


async def test_acquires_spread_over_time_are_not_delayed() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(2, 10.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        before = fake.now
        await limiter.acquire()
        assert fake.now == before
        fake.now += 6.0


async def test_window_slides_after_partial_expiry() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(2, 10.0, clock=fake.clock, sleep=fake.sleep)
    await limiter.acquire()  # t=0
    fake.now = 4.0
    await limiter.acquire()  # t=4
    await limiter.acquire()  # must wait until the first ages out
    assert fake.now == 10.0
    await limiter.acquire()  # then until the second ages out
    assert fake.now == 14.0


def test_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 10.0)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0.0)


async def test_closing_turns_away_the_callers_still_waiting_and_later_ones() -> None:
    limiter = SlidingWindowLimiter(1, 10.0)
    await limiter.acquire()
    waiting = [asyncio.create_task(limiter.acquire()) for _ in range(2)]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in waiting)
    limiter.close()
    results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 2)
    assert [type(r) for r in results] == [KieShuttingDown, KieShuttingDown]
    assert all(not r.sent for r in results if isinstance(r, KieShuttingDown))
    with pytest.raises(KieShuttingDown):
        await limiter.acquire()
