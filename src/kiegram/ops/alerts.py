"""Alerts to the admin chat, each kind rate-limited so an outage sends one message, not fifty."""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from kiegram.i18n import Translator
from kiegram.ops.redaction import redact

log = logging.getLogger(__name__)

Send = Callable[[str], Awaitable[object]]
Clock = Callable[[], float]


class Alerter:
    """Sends admin alerts through `send(text)`: at most one per kind per `cooldown` seconds."""

    def __init__(
        self,
        send: Send,
        translator: Translator,
        lang: str = "ru",
        *,
        clock: Clock = time.monotonic,
        cooldown: float = 15 * 60,
        credits_threshold: float = 1000.0,
        burst_failures: int = 5,
        burst_window: float = 10 * 60,
    ) -> None:
        self._send = send
        self._t = translator
        self.lang = lang
        self._clock = clock
        self.cooldown = cooldown
        self.credits_threshold = credits_threshold
        self.burst_failures = burst_failures
        self.burst_window = burst_window
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._failures: dict[str, deque[float]] = {}

    async def alert(self, kind: str, key: str, **values: Any) -> bool:
        """Send message `key` unless `kind` alerted within the cooldown; True when sent."""
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.cooldown:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return False
        escaped = {name: html.escape(str(value)) for name, value in values.items()}
        text = self._t(self.lang, key, **escaped)
        if self._suppressed.get(kind):
            text += "\n" + self._t(self.lang, "ops.suppressed", count=self._suppressed[kind])
        try:
            await self._send(redact(text))
        except Exception:
            # An alert that cannot be delivered must not break the caller; retry next time.
            log.exception("could not send the %s alert", kind)
            return False
        self._last[kind] = now
        self._suppressed[kind] = 0
        return True

    async def kie_credits(self, credits: float) -> bool:
        """Alert when the KIE balance is under the threshold."""
        if credits >= self.credits_threshold:
            return False
        return await self.alert(
            "kie_credits",
            "ops.alert_credits_low",
            credits=f"{credits:g}",
            threshold=f"{self.credits_threshold:g}",
        )

    async def generation_failed(self, model: str, reason: str = "") -> bool:
        """Record a failure; alert when `model` failed `burst_failures` times in the window."""
        now = self._clock()
        recent = self._failures.setdefault(model, deque())
        recent.append(now)
        while recent and now - recent[0] > self.burst_window:
            recent.popleft()
        if len(recent) < self.burst_failures:
            return False
        sent = await self.alert(
            f"generation_failures:{model}",
            "ops.alert_generation_failures",
            model=model,
            count=len(recent),
            minutes=f"{self.burst_window / 60:g}",
            reason=reason or "—",
        )
        if sent:
            # The next alert for this model needs a fresh burst.
            recent.clear()
        return sent

    async def cost_over_price(self, model: str, charged: Decimal, price: Decimal) -> bool:
        """KIE charged more for a task of `model` than its user paid (a price moved)."""
        return await self.alert(
            f"cost:{model}",
            "ops.alert_cost_over_price",
            model=model,
            charged=f"{charged.normalize():f}",
            price=f"{price.normalize():f}",
        )

    async def prices_changed(self, count: int, lines: str) -> bool:
        """KIE's price feed moved since the last check (`lines`: what, and which models)."""
        return await self.alert("prices", "ops.alert_prices_changed", count=count, lines=lines)

    async def payment_error(self, detail: str) -> bool:
        """Alert about a failed or inconsistent payment."""
        return await self.alert("payment", "ops.alert_payment_error", detail=detail)


async def watch_credits(
    get_credits: Callable[[], Awaitable[float]],
    alerter: Alerter,
    interval: float = 15 * 60,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    rounds: int | None = None,
) -> None:
    """Check the KIE balance every `interval` seconds (forever, or `rounds` times) and alert."""
    pause = sleep or asyncio.sleep
    done = 0
    while rounds is None or done < rounds:
        try:
            await alerter.kie_credits(await get_credits())
        except Exception as exc:
            # A failed balance read is not an alert by itself; the KIE call metrics show it.
            log.warning("could not read the KIE balance: %s", exc)
        done += 1
        await pause(interval)
