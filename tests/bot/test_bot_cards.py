"""Card top-ups through a payment provider: offered only when set up, credited exactly once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call

from kiegram.app import App
from kiegram.billing import Ledger

TOKEN = "381764678:TEST:provider"


@pytest.fixture
def bot_settings(database_url: str) -> dict[str, Any]:
    """Every test here runs on SQLite and on PostgreSQL (`database_url`'s two params)."""
    return {
        "database_url": database_url,
        "free_daily_generations": 0,
        "stars_packs": "100:50",
        "payment_provider_token": TOKEN,
        "payment_currency": "rub",
        "card_packs": "100:199,500:899.50",
        "payment_receipt": "yookassa",
    }


def _calls(telegram: FakeTelegram, method: str) -> list[Call]:
    return [c for c in telegram.calls if c.method == method]


async def _balance(app: App, user_id: int) -> int:
    ledger: Ledger = app.dp["ledger"]
    return (await ledger.account(user_id)).balance


async def _card_invoice(telegram: FakeTelegram, user: FakeUser) -> Call:
    await user.send("/balance")
    await user.click("500 кр. — 899,50 RUB")
    return _calls(telegram, "sendinvoice")[-1]


async def test_a_card_invoice_paid_credits_once_and_a_replay_credits_nothing(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(8101)
    await user.send("/start")
    await user.send("/balance")
    assert "Или картой 💳:" in user.last_text()
    assert "100 кр. — 50 ⭐" in user.buttons()  # Stars stay next to cards
    assert "100 кр. — 199,00 RUB" in user.buttons()

    invoice = await _card_invoice(telegram, user)
    assert invoice.params["currency"] == "RUB"
    assert invoice.params["provider_token"] == TOKEN
    assert invoice.params["prices"][0]["amount"] == 89950
    assert invoice.params["need_email"] is True
    assert invoice.params["send_email_to_provider"] is True
    receipt = json.loads(invoice.params["provider_data"])["receipt"]["items"][0]
    assert receipt["amount"] == {"value": "899.50", "currency": "RUB"}
    assert receipt["quantity"] == "1.00" and receipt["vat_code"] == 1

    payload = str(invoice.params["payload"])
    await user.pay(payload, 89950, "card-8101", currency="RUB")
    assert _calls(telegram, "answerprecheckoutquery")[-1].params["ok"] is True
    assert "+500 кр." in user.last_text()
    assert await _balance(app, user.id) == 500

    await user.pay(payload, 89950, "card-8101", currency="RUB")  # Telegram re-sent it
    assert "уже зачислен" in user.last_text()
    assert await _balance(app, user.id) == 500

    payment = await app.dp["ledger_store"].payment("card-8101")
    assert payment is not None and payment.currency == "RUB" and payment.stars == 89950


async def test_a_card_checkout_at_another_price_or_currency_is_refused(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(8102)
    await user.send("/start")
    payload = str((await _card_invoice(telegram, user)).params["payload"])

    await user.pay(payload, 100, "card-8102a", currency="RUB")  # the amount was tampered with
    answer = _calls(telegram, "answerprecheckoutquery")[-1].params
    assert answer["ok"] is False and "не совпадает" in answer["error_message"]

    await user.pay(payload, 89950, "card-8102b", currency="USD")
    assert _calls(telegram, "answerprecheckoutquery")[-1].params["ok"] is False

    await user.pay("c:500x89950:RUB:1", 89950, "card-8102c", currency="RUB")  # someone else's
    answer = _calls(telegram, "answerprecheckoutquery")[-1].params
    assert answer["ok"] is False and "недействителен" in answer["error_message"]
    assert await _balance(app, user.id) == 0


async def test_paysupport_explains_card_payments(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(8103, language_code="en")
    await user.send("/paysupport")
    assert "Card payments" in user.last_text()


async def test_the_admin_sees_card_top_ups_and_takes_a_refunded_ones_units_back(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(8104)
    await user.send("/start")
    payload = str((await _card_invoice(telegram, user)).params["payload"])
    await user.pay(payload, 89950, "card-8104", currency="RUB")
    admin = telegram.user(999)
    await admin.send("/admin")
    assert "💳 +500 кр." in admin.last_text()
    assert "⭐ 0" in admin.last_text()  # card money is not counted as Stars

    await admin.send("/refund card-8104")
    assert "899,50 RUB" in admin.last_text() and "списано с баланса 500 кр." in admin.last_text()
    assert not _calls(telegram, "refundstarpayment")  # the Bot API cannot refund a card
    assert await _balance(app, user.id) == 0
    await admin.send("/refund card-8104")
    assert "уже возвращён" in admin.last_text()
