"""A re-sent update is never applied twice (issue #26): admin adjustments, promo codes,
payments and referral starts, each fed twice with the same `update_id` through the real
dispatcher, on SQLite and PostgreSQL; one effect, and one answer or the screen shown again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kit import FakeTelegram
from kit.telegram_resend import DONE, message, twice

from kiegram.app import App
from kiegram.billing import Ledger, PromoCode, Promos
from kiegram.billing.ports import UserStore

ADMIN = 999  # the `running` fixture's admin id
Running = tuple[App, FakeTelegram]


@pytest.fixture
def bot_settings(database_url: str) -> dict[str, Any]:
    """Every test here runs on SQLite and on PostgreSQL (`database_url`'s two params)."""
    return {"database_url": database_url, "free_daily_generations": 0, "stars_packs": "100:50"}


async def _balance(app: App, user_id: int) -> int:
    ledger: Ledger = app.dp["ledger"]
    return (await ledger.account(user_id)).balance


async def test_an_admin_grant_re_sent_moves_the_money_once(running: Running) -> None:
    app, telegram = running
    alice = telegram.user(1101, username="alice")
    await alice.send("/start")
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    await admin.click("Пользователь")
    await admin.send("@alice")
    await admin.click("Начислить")
    first, again = await twice(app, telegram, admin, message(app, admin, text="150 за сбой"))
    assert "Начислено 150 кр." in first and "Баланс: 150 кр." in first
    assert DONE in again and "Начислено" not in again
    assert await _balance(app, 1101) == 150
    told = [m for m in alice.chat() if "Вам начислено" in str(m.get("text"))]
    assert len(told) == 1

    await admin.click("Списать")  # and a deduction the same way
    first, again = await twice(app, telegram, admin, message(app, admin, text="50 ошибка"))
    assert "Баланс: 100 кр." in first and DONE in again
    assert await _balance(app, 1101) == 100


async def test_a_promo_code_re_sent_is_redeemed_once(running: Running) -> None:
    app, telegram = running
    promos: Promos = app.dp["promos"]
    now = datetime.now(UTC)
    await promos.create(PromoCode("AGAIN", 30, 5, 0, now + timedelta(days=1), now), ADMIN)
    user = telegram.user(1102)
    await user.send("/start")
    first, again = await twice(app, telegram, user, message(app, user, text="/promo again"))
    assert "активирован: +30 кр." in first
    assert DONE in again and "активирован" not in again
    # The deep link, a user's first update: also once.
    newcomer = telegram.user(1103)
    first, again = await twice(
        app, telegram, newcomer, message(app, newcomer, text="/start p_AGAIN")
    )
    assert "активирован: +30 кр." in first and DONE in again
    assert [await _balance(app, u) for u in (1102, 1103)] == [30, 30]


async def test_a_successful_payment_re_sent_is_credited_once(running: Running) -> None:
    app, telegram = running
    user = telegram.user(1104)
    await user.send("/balance")
    await user.click("100 кр. — 50 ⭐")
    invoice = [c for c in telegram.calls if c.method == "sendinvoice"][-1]
    payment = {
        "currency": "XTR",
        "total_amount": 50,
        "invoice_payload": str(invoice.params["payload"]),
        "telegram_payment_charge_id": "charge-1104",
        "provider_payment_charge_id": "",
    }
    update = message(app, user, successful_payment=payment)
    first, again = await twice(app, telegram, user, update)
    assert "Баланс: 100 кр." in first
    # The charge id is the ledger's key: the re-send is told it was credited already.
    assert "уже зачислен" in again and "Баланс: 100 кр." in again
    assert await _balance(app, 1104) == 100


async def test_a_referral_start_re_sent_sets_the_referrer_once(running: Running) -> None:
    app, telegram = running
    await telegram.user(1105).send("/start")
    friend = telegram.user(1106)
    first, again = await twice(app, telegram, friend, message(app, friend, text="/start r_1105"))
    assert "Привет" in first and "Привет" in again  # the welcome shown again, nothing else
    users: UserStore = app.dp["users"]
    info = await users.get(1106)
    assert info is not None and info.referrer_id == 1105
    assert await _balance(app, 1105) == 0  # the bonus comes with the friend's first top-up
