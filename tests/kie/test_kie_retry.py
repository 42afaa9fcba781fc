"""Backoff delays and the retry helper, with the sleep injected so nothing waits."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiegram.kie import RetryPolicy, backoff_delays, retry_async


@given(
    base=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=100)),
    factor=st.floats(min_value=1, max_value=10),
    cap=st.floats(min_value=0, max_value=1000),
    attempts=st.integers(min_value=0, max_value=2000),
    seed=st.integers(),
)
def test_delays_are_non_negative_and_capped(
    base: float, factor: float, cap: float, attempts: int, seed: int
) -> None:
    delays = backoff_delays(base, factor, cap, attempts, random.Random(seed))
    assert len(delays) == attempts
    for i, delay in enumerate(delays[:50]):
        # A relative epsilon: the ceiling is a running product, not factor**i.
        assert 0 <= delay <= min(cap, base * factor**i) * (1 + 1e-9)
    assert all(0 <= delay <= cap for delay in delays)


def test_delays_grow_exponentially_before_the_cap() -> None:
    class Top(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    assert backoff_delays(1.0, 2.0, 10.0, 6, Top()) == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


class Flaky:
    """Fails with the given errors, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


async def test_retry_async_retries_then_succeeds() -> None:
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)

    fn = Flaky(OSError("a"), OSError("b"))
    result = await retry_async(
        fn,
        policy=RetryPolicy(attempts=4, base=1, cap=5),
        sleep=sleep,
        should_retry=lambda exc: isinstance(exc, OSError),
        rng=random.Random(1),
    )
    assert result == "ok"
    assert fn.calls == 3
    assert len(slept) == 2
    assert all(0 <= d <= 5 for d in slept)


async def test_retry_async_stops_on_unretryable_error() -> None:
    async def sleep(delay: float) -> None:
        raise AssertionError("must not sleep")

    fn = Flaky(KeyError("no"))
    with pytest.raises(KeyError):
        await retry_async(
            fn, policy=RetryPolicy(attempts=5), sleep=sleep, should_retry=lambda e: False
        )
    assert fn.calls == 1


async def test_retry_async_gives_up_after_the_last_attempt() -> None:
    async def sleep(delay: float) -> None:
        return None

    fn = Flaky(*[OSError(str(i)) for i in range(10)])
    with pytest.raises(OSError, match="2"):
        await retry_async(
            fn, policy=RetryPolicy(attempts=3), sleep=sleep, should_retry=lambda e: True
        )
    assert fn.calls == 3
