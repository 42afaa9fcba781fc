"""Alerts reach the admin chat from the running bot: failure bursts and unmatched payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from kit import FakeTelegram

from kiegram.app import App
from kiegram.billing import PriceRules
from kiegram.i18n import load_translator
from kiegram.jobs import Job, ResultFile
from kiegram.ops.alerting import AlertingDelivery, admin_chat_sender
from kiegram.ops.alerts import Alerter

ADMIN_CHAT = -100500


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"admin_chat_id": ADMIN_CHAT}


class CountingDelivery:
    def __init__(self) -> None:
        self.failed: list[str] = []

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        raise AssertionError("not used")

    async def fail(self, job: Job) -> None:
        self.failed.append(job.id)


class Delivered:
    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        pass

    async def fail(self, job: Job) -> None:
        raise AssertionError("not used")


async def test_kie_charging_more_than_the_user_paid_alerts_through_the_price_rules() -> None:
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    # A unit stands for 2 KIE credits: 10 units paid are 20 credits, whatever the markup.
    rules = PriceRules(markup=Decimal(3), kie_credits_per_unit=Decimal(2))
    delivery = AlertingDelivery(Delivered(), Alerter(send, load_translator()), rules)

    def job(charged: str) -> Job:
        return Job(
            user_id=1,
            chat_id=1,
            model_id="z-image",
            api="market",
            output="image",
            payload={},
            cost=Decimal(10),
            deadline_at=None,
            kie_credits=Decimal(charged),
        )

    await delivery.deliver(job("20"), [])
    assert sent == []  # KIE took what the user paid
    await delivery.deliver(job("20.5"), [])
    assert len(sent) == 1 and "z-image" in sent[0]
    assert "20,5 кр. за задачу, пользователь заплатил 20 кр." in sent[0]  # ru: a decimal comma


async def test_a_burst_of_failures_for_one_model_alerts_once(
    running: tuple[App, FakeTelegram],
) -> None:
    sent: list[str] = []

    async def send(chat_id: int, text: str) -> None:
        sent.append(f"{chat_id}:{text}")

    app, _telegram = running
    alerter = Alerter(admin_chat_sender(send, ADMIN_CHAT), app.dp["translator"], burst_failures=3)
    inner = CountingDelivery()
    delivery = AlertingDelivery(inner, alerter)
    for n in range(4):
        job = Job(
            user_id=1,
            chat_id=1,
            model_id="z-image",
            api="market",
            output="image",
            payload={},
            cost=0,
            deadline_at=None,
            id=f"j{n}",  # type: ignore[arg-type]
            error_message="content policy",
        )
        await delivery.fail(job)
    assert len(inner.failed) == 4  # the user always hears about it
    assert len(sent) == 1 and sent[0].startswith(f"{ADMIN_CHAT}:") and "z-image" in sent[0]


async def test_an_unmatched_payment_is_reported_to_the_admin_chat(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    assert app.alerter is not None
    user = telegram.user(4242)
    await user.pay("p:100x50:1", stars=50, charge_id="charge-unmatched")  # someone else's
    alerts = [
        c
        for c in telegram.calls
        if c.method == "sendmessage" and str(c.params.get("chat_id")) == str(ADMIN_CHAT)
    ]
    assert len(alerts) == 1 and "charge-unmatched" in alerts[0].params["text"]
