"""Balance, Stars top-ups, pre-checkout, duplicate payments, /paysupport and referral links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call

from kiegram.app import App
from kiegram.billing import Ledger
from kiegram.billing.ports import UserStore


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # No free generations here: every generation must move money.
    return {"free_daily_generations": 0, "stars_packs": "100:50,500:230"}


def _calls(telegram: FakeTelegram, method: str) -> list[Call]:
    return [c for c in telegram.calls if c.method == method]


async def _top_up(telegram: FakeTelegram, user: FakeUser, charge: str) -> Call:
    await user.send("/balance")
    await user.click("100 кр. — 50 ⭐")
    invoice = _calls(telegram, "sendinvoice")[-1]
    await user.pay(str(invoice.params["payload"]), 50, charge)
    return invoice


async def _balance(app: App, user_id: int) -> tuple[int, int]:
    ledger: Ledger = app.dp["ledger"]
    account = await ledger.account(user_id)
    return account.balance, account.held


async def test_top_up_with_stars_then_generate_and_see_the_balance_change(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(601)
    await user.send("/start")
    await user.click("Баланс")
    assert "Баланс</b>: 0 кр." in user.last_text()
    assert "100 кр. — 50 ⭐" in user.buttons() and "500 кр. — 230 ⭐" in user.buttons()

    invoice = await _top_up(telegram, user, "charge-601")
    assert invoice.params["currency"] == "XTR"
    assert invoice.params.get("provider_token", "") == ""
    assert invoice.params["prices"][0]["amount"] == 50
    checkout = _calls(telegram, "answerprecheckoutquery")[-1]
    assert checkout.params["ok"] is True
    assert "+100 кр." in user.last_text() and "Баланс: 100 кр." in user.last_text()

    await user.send("/model z-image")
    await user.send("a lighthouse at dawn")
    while not any("Запустить генерацию" in b for b in user.buttons()):
        await user.click("Далее")
    found = re.search(r"Стоимость: <b>(\d+) кр\.</b>", user.last_text())
    assert found is not None
    cost = int(found.group(1))
    await user.click("Запустить генерацию")
    await telegram.wait_for(lambda: bool(_calls(telegram, "sendphoto")), timeout=30)
    await telegram.wait_for(lambda: "Готово" in user.last_text(), timeout=10)

    assert (await _balance(app, 601))[0] == 100 - cost
    await user.send("/balance")
    assert f"Баланс</b>: {100 - cost} кр." in user.last_text()


async def test_a_duplicate_successful_payment_credits_once(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(602)
    invoice = await _top_up(telegram, user, "charge-602")
    await user.pay(str(invoice.params["payload"]), 50, "charge-602")
    assert "уже зачислен" in user.last_text() and "Баланс: 100 кр." in user.last_text()
    assert await _balance(app, 602) == (100, 0)


@pytest.mark.parametrize(
    ("payload", "stars", "reason"),
    [
        ("not ours", 50, "недействителен"),
        ("p:100x50:12345", 50, "недействителен"),  # someone else's invoice
        ("p:100x50:603", 10, "не совпадает"),
    ],
)
async def test_a_bad_pre_checkout_is_refused_and_nothing_is_credited(
    running: tuple[App, FakeTelegram], payload: str, stars: int, reason: str
) -> None:
    app, telegram = running
    user = telegram.user(603)
    await user.send("/start")
    await user.pay(payload, stars, "charge-603")
    checkout = _calls(telegram, "answerprecheckoutquery")[-1]
    assert checkout.params["ok"] is False
    assert reason in checkout.params["error_message"]
    # Telegram never sends a payment after a refusal; if it did, an unmatched one is not credited.
    assert "не удалось сопоставить" in user.last_text()
    assert await _balance(app, 603) == (0, 0)


async def test_a_retired_pack_is_refused_at_checkout_but_a_paid_one_is_honoured(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(607)
    await user.pay("p:7x7:607", 7, "charge-607")  # the operator stopped selling 7 for 7
    checkout = _calls(telegram, "answerprecheckoutquery")[-1]
    assert checkout.params["ok"] is False and "больше нет" in checkout.params["error_message"]
    # Had Telegram charged anyway, the invoice names what was bought: the user gets it.
    assert await _balance(app, 607) == (7, 0)


async def test_paysupport_explains_refunds(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(604, language_code="en")
    await user.send("/paysupport")
    assert "Refunds" in user.last_text()


async def test_referral_link_on_the_balance_screen_sets_the_referrer_once(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    inviter, friend = telegram.user(605), telegram.user(606)
    await inviter.send("/balance")
    assert "https://t.me/kiegram_bot?start=r_605" in inviter.last_text()
    assert "20 кр." in inviter.last_text()  # the bonus rule, from the settings
    await friend.send("/start r_605")
    assert "Привет" in friend.last_text()
    users: UserStore = app.dp["users"]
    info = await users.get(606)
    assert info is not None and info.referrer_id == 605
    await friend.send("/start r_999")  # a second link changes nothing
    info = await users.get(606)
    assert info is not None and info.referrer_id == 605


async def test_without_a_provider_token_no_card_option_is_shown(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(609)
    await user.send("/balance")
    assert "картой" not in user.last_text()
    assert not [b for b in user.buttons() if "RUB" in b]
    await user.send("/paysupport")
    assert "картой" not in user.last_text()
