"""Promo codes in conversation: the admin creates one, users redeem it by /promo and by the
deep link, and every outcome is answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kit import FakeTelegram

from kiegram.app import App
from kiegram.billing import Ledger, PromoCode, Promos

ADMIN = 999  # the `running` fixture's admin id


async def test_the_admin_creates_a_code_and_users_redeem_it(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    await admin.click("Промокоды")
    assert "Кодов пока нет" in admin.last_text()
    await admin.send("SPRING fifty 2")
    assert "Не понял" in admin.last_text()
    await admin.send("spring 50 2 30")
    created = admin.last_text()
    assert "✅ Создан: <code>SPRING</code> · 50 кр. · активаций 0 из 2" in created
    assert "?start=p_SPRING" in created
    await admin.send("SPRING 10 1")
    assert "Код <code>SPRING</code> уже есть" in admin.last_text()

    alice = telegram.user(901)
    await alice.send("/start")
    await alice.send("/promo spring")
    assert "Промокод <b>SPRING</b> активирован: +50 кр.\nБаланс: 50 кр." in alice.last_text()
    await alice.send("/promo SPRING")
    assert "Вы уже активировали промокод <b>SPRING</b>" in alice.last_text()

    bob = telegram.user(902)  # arrives by the link: his first update
    await bob.send("/start p_SPRING")
    assert "активирован: +50 кр.\nБаланс: 50 кр." in bob.last_text()
    assert "Меню" in " ".join(bob.buttons())

    carol = telegram.user(903)
    await carol.send("/start p_SPRING")
    assert "Промокод <b>SPRING</b> уже израсходован" in carol.last_text()

    ledger: Ledger = app.dp["ledger"]
    balances = [(await ledger.account(u)).balance for u in (901, 902, 903)]
    assert balances == [50, 50, 0]
    await admin.send("/admin")
    await admin.click("Промокоды")
    assert "активаций 2 из 2" in admin.last_text()


async def test_unknown_expired_and_empty_codes_are_answered(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    promos: Promos = app.dp["promos"]
    past = datetime.now(UTC) - timedelta(days=1)
    await promos.create(PromoCode("OLD", 10, 5, 0, past, past), ADMIN)
    user = telegram.user(904)
    await user.send("/start")
    await user.send("/promo")
    assert "Пришлите промокод так" in user.last_text()
    await user.send("/promo NOPE")
    assert "Промокода <b>NOPE</b> нет" in user.last_text()
    await user.send("/promo <b>x</b>")
    assert "Промокода <b>&lt;b&gt;x&lt;/b&gt;</b> нет" in user.last_text()  # escaped
    await user.send("/promo old")
    assert "Срок действия промокода <b>OLD</b> закончился" in user.last_text()
    ledger: Ledger = app.dp["ledger"]
    assert (await ledger.account(904)).balance == 0


async def test_english_speakers_get_english(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(905, language_code="en")
    await user.send("/promo NOPE")
    assert "There is no promo code <b>NOPE</b>" in user.last_text()
