"""Alerts wired to the parts that notice trouble: failed generations, the admin chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kiegram.billing import PriceRules
from kiegram.jobs import Delivery, Job, ResultFile
from kiegram.ops.alerts import Alerter


class AlertingDelivery:
    """A Delivery that also counts failed generations per model for burst alerts."""

    def __init__(
        self, inner: Delivery, alerter: Alerter | None, rules: PriceRules | None = None
    ) -> None:
        self.inner = inner
        self.alerter = alerter
        self.rules = rules or PriceRules()

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Deliver as the wrapped delivery does; tell the admin when KIE charged more for the
        task than the user paid for it (`job.cost` units, in KIE credits)."""
        await self.inner.deliver(job, files)
        price = self.rules.paid_credits(job.cost)
        if self.alerter is not None and job.kie_credits is not None and job.kie_credits > price:
            await self.alerter.cost_over_price(job.model_id, job.kie_credits, price)

    async def fail(self, job: Job) -> None:
        """Tell the user, then record the failure (cancellations never get here)."""
        await self.inner.fail(job)
        if self.alerter is not None:
            await self.alerter.generation_failed(job.model_id, job.error_message or "")


def admin_chat_sender(
    send_message: Callable[..., Awaitable[Any]], chat_id: int
) -> Callable[[str], Awaitable[None]]:
    """`send(text)` for the Alerter: a message to the configured admin chat."""

    async def send(text: str) -> None:
        await send_message(chat_id, text)

    return send
