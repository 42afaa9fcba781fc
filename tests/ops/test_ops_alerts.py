"""Admin alerts: thresholds, failure bursts, payment errors, rate limits on a fake clock."""

from __future__ import annotations

import pytest

from kiegram.i18n import load_translator
from kiegram.ops.alerts import Alerter, watch_credits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sent() -> list[str]:
    return []


@pytest.fixture
def alerter(clock: Clock, sent: list[str]) -> Alerter:
    async def send(text: str) -> None:
        sent.append(text)

    return Alerter(
        send,
        load_translator(),
        "en",
        clock=clock,
        credits_threshold=500,
        burst_failures=3,
        burst_window=300,
    )


async def test_low_credits_alert_once_per_cooldown(
    alerter: Alerter, clock: Clock, sent: list[str]
) -> None:
    assert await alerter.kie_credits(800) is False
    assert await alerter.kie_credits(120.5) is True
    assert sent == [
        "⚠️ <b>KIE credits low</b>: 120.5 left, threshold 500. "
        "Top up at kie.ai before generations start failing."
    ]
    clock.now += 14 * 60
    assert await alerter.kie_credits(100) is False
    assert await alerter.kie_credits(90) is False
    clock.now += 60
    assert await alerter.kie_credits(80) is True
    assert sent[-1].endswith("\n(2 similar suppressed meanwhile)")
    clock.now += 15 * 60
    assert await alerter.kie_credits(70) is True
    assert "suppressed" not in sent[-1]


async def test_failure_burst_per_model(alerter: Alerter, clock: Clock, sent: list[str]) -> None:
    assert await alerter.generation_failed("flux-2/pro", "500") is False
    clock.now += 200
    assert await alerter.generation_failed("flux-2/pro", "500") is False
    clock.now += 200  # the first failure is now outside the 5-minute window
    assert await alerter.generation_failed("flux-2/pro", "500") is False
    assert await alerter.generation_failed("veo3", "timeout") is False
    clock.now += 10
    assert await alerter.generation_failed("flux-2/pro", "<b>bad</b> input") is True
    assert sent == [
        "⚠️ <b>Generations failing</b>: model <code>flux-2/pro</code> — 3 failures in 5 min. "
        "Last reason: &lt;b&gt;bad&lt;/b&gt; input"
    ]
    for _ in range(3):
        assert await alerter.generation_failed("flux-2/pro") is False  # rate-limited
    assert await alerter.generation_failed("veo3") is False
    assert await alerter.generation_failed("veo3") is True  # another model, its own limit
    assert len(sent) == 2 and "<code>veo3</code>" in sent[1]


async def test_payment_errors_and_kinds_are_independent(
    alerter: Alerter, clock: Clock, sent: list[str]
) -> None:
    assert await alerter.payment_error("charge 123 has no top-up") is True
    assert await alerter.payment_error("again") is False
    assert await alerter.kie_credits(1) is True
    assert sent[0] == "⚠️ <b>Payment error</b>: charge 123 has no top-up"


async def test_russian_text_and_failed_send_retries(clock: Clock) -> None:
    attempts: list[str] = []

    async def flaky(text: str) -> None:
        attempts.append(text)
        if len(attempts) == 1:
            raise ConnectionError("telegram down")

    alerter = Alerter(flaky, load_translator(), "ru", clock=clock)
    assert await alerter.payment_error("сбой") is False
    assert await alerter.payment_error("сбой") is True  # not marked sent after the failure
    assert attempts[-1] == "⚠️ <b>Ошибка платежа</b>: сбой"


async def test_watch_credits_polls_and_survives_errors(alerter: Alerter, sent: list[str]) -> None:
    balances = iter([900.0, ConnectionError("kie down"), 10.0])
    pauses: list[float] = []

    async def get_credits() -> float:
        value = next(balances)
        if isinstance(value, Exception):
            raise value
        return value

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    await watch_credits(get_credits, alerter, interval=60, sleep=sleep, rounds=3)
    assert pauses == [60, 60, 60]
    assert len(sent) == 1 and "10 left" in sent[0]
