"""The admin panel in conversation: access, grants, switches, refunds and broadcasts."""

from __future__ import annotations

import asyncio

from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call

from kiegram.app import App
from kiegram.billing import Ledger
from kiegram.bot.broadcast import Broadcaster

ADMIN = 999  # the `running` fixture's admin id


def _calls(telegram: FakeTelegram, method: str) -> list[Call]:
    return [c for c in telegram.calls if c.method == method]


def _texts_to(telegram: FakeTelegram, chat_id: int, needle: str) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in _calls(telegram, "sendmessage")
        if str(c.params.get("chat_id")) == str(chat_id) and needle in str(c.params.get("text"))
    ]


async def _admin(telegram: FakeTelegram) -> FakeUser:
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    assert "Админ-панель" in admin.last_text()
    return admin


async def test_a_non_admin_gets_no_admin_screen(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(701)
    await user.send("/admin")
    assert "Не знаю такой команды" in user.last_text()
    assert not any("Рассылка" in b for b in user.buttons())
    await user.send("/refund some-charge")
    assert "Не знаю такой команды" in user.last_text()
    assert not _calls(telegram, "refundstarpayment")


async def test_admin_home_shows_stats_and_kie_credits(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    await telegram.user(702).send("/start")
    admin = await _admin(telegram)
    text = admin.last_text()
    assert "Кредиты KIE" in text and "Итого" in text
    assert "👤 1 ·" in text or "👤 2 ·" in text  # 702 (and the admin, once registered)
    assert "📣 Рассылка" in admin.buttons()


async def test_admin_grants_credits_and_the_user_sees_them(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(703, username="alice")
    await user.send("/start")
    admin = await _admin(telegram)
    await admin.click("Пользователь")
    await admin.send("@Alice")
    assert "id <code>703</code>" in admin.last_text() and "Баланс: 0 кр." in admin.last_text()
    await admin.click("Начислить")
    await admin.send("150")  # no reason: asked again
    assert "причина" in admin.last_text()
    await admin.send("150 компенсация за сбой")
    assert "Начислено 150 кр." in admin.last_text() and "Баланс: 150 кр." in admin.last_text()
    assert "Вам начислено 150 кр." in user.last_text() and "компенсация" in user.last_text()
    await user.send("/balance")
    assert "Баланс</b>: 150 кр." in user.last_text()

    await admin.click("Списать")
    await admin.send("500 ошибка")
    assert "не хватает 350 кр." in admin.last_text()
    await admin.click("Списать")
    await admin.send("50 ошибочное начисление")
    assert "Баланс: 100 кр." in admin.last_text()


async def test_switching_a_model_off_hides_and_refuses_it_until_switched_on(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(704)
    await user.send("/model z-image")  # a wizard open before the switch
    await user.send("a cat on a roof")
    admin = await _admin(telegram)
    await admin.click("Модели вкл/выкл")
    await admin.send("z-image")
    assert "Выключено: <code>z-image</code>" in admin.last_text()

    await user.click("Отмена")  # the wizard opened before the switch: its menu counts too
    cancelled_menu = user.buttons()
    await user.send("/start")
    assert cancelled_menu == user.buttons()
    await user.click("Создать картинку")
    assert not any("Z-Image" in b for b in user.buttons())
    await user.send("/model z-image")
    assert "отключена" in user.last_text()
    await user.press_data("g:z-image")
    assert "отключена" in user.last_text()

    await admin.click("Включить: z-image")
    assert "<code>z-image</code>" not in admin.last_text().split("Сейчас выключено:")[1]
    await user.send("/start")
    await user.click("Создать картинку")
    assert any("Z-Image" in b for b in user.buttons())


async def test_a_switched_off_model_or_option_is_refused_at_confirm(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(705)
    await user.send("/model z-image")
    await user.send("a cat on a roof")
    while not any("Запустить генерацию" in b for b in user.buttons()):
        await user.click("Далее")
    admin = await _admin(telegram)
    await admin.click("Модели вкл/выкл")
    await admin.send("z-image aspect_ratio=1:1")
    assert "Выключено: <code>z-image aspect_ratio=1:1</code>" in admin.last_text()
    await admin.send("z-image aspect_ratio=2:7")
    assert "нет варианта" in admin.last_text()

    await user.click("Запустить генерацию")
    assert "вариантов сейчас отключён" in user.last_text()
    assert not _calls(telegram, "sendphoto")
    await admin.send("z-image")
    await user.click("Запустить генерацию")
    assert "модель сейчас отключена" in user.last_text()


async def test_admin_refunds_a_payment_once(running: tuple[App, FakeTelegram]) -> None:
    app, telegram = running
    user = telegram.user(706)
    await user.send("/start")
    await user.pay(f"p:100x50:{user.id}", 50, "charge-706")
    admin = await _admin(telegram)
    await admin.send("/refund charge-706")
    assert "Возвращено 50 ⭐ пользователю 706" in admin.last_text()
    refund = _calls(telegram, "refundstarpayment")
    assert len(refund) == 1 and refund[0].params["telegram_payment_charge_id"] == "charge-706"
    await admin.click("Возврат звёзд")
    await admin.send("charge-706")
    assert "уже возвращён" in admin.last_text()
    await admin.send("/refund nope")
    assert "не найден" in admin.last_text()
    assert len(_calls(telegram, "refundstarpayment")) == 1
    ledger: Ledger = app.dp["ledger"]
    assert (await ledger.account(706)).balance == 0


async def test_broadcast_reaches_every_user_once_and_skips_a_blocked_one(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    for user_id in (801, 802, 803, 804):
        await telegram.user(user_id).send("/start")
    telegram.blocked.add(803)
    admin = await _admin(telegram)
    await admin.click("Рассылка")
    await admin.send("Новая модель в боте!")
    assert "Так сообщение увидят" in admin.last_text()
    await admin.click("Отправить всем")
    await telegram.wait_for(lambda: bool(_texts_to(telegram, ADMIN, "Рассылка завершена")))
    for user_id in (801, 802, 804):
        assert _texts_to(telegram, user_id, "Новая модель") == ["Новая модель в боте!"]
    assert not _texts_to(telegram, 803, "Новая модель")
    assert "доставлено 3, пропущено 1" in _texts_to(telegram, ADMIN, "Рассылка завершена")[0]


async def test_broadcast_resumes_from_its_cursor_after_a_restart(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    ids = (811, 812, 813, 814, 815)
    for user_id in ids:
        await telegram.user(user_id).send("/start")
    pauses: list[float] = []

    async def stalls_after_two(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            await asyncio.Event().wait()  # the process "dies" here

    def broadcaster(sleep: object) -> Broadcaster:
        deps = (app.bot, app.dp["users"], app.dp.storage, app.dp["translator"])
        return Broadcaster(*deps, sleep=sleep)  # type: ignore[arg-type]

    first = broadcaster(stalls_after_two)
    assert await first.start("Пауза и продолжение", ADMIN)
    await telegram.wait_for(lambda: len(pauses) == 2)
    await first.close()
    state = await first.current()
    assert state is not None and not state.done
    assert (state.cursor, state.sent) == (812, 2)

    async def records(seconds: float) -> None:
        pauses.append(seconds)

    second = broadcaster(records)  # a new process: same database, fresh objects
    assert not await second.start("Другая рассылка", ADMIN)  # the first is unfinished
    assert await second.resume()
    final = await second.wait()
    assert final is not None and final.done
    for user_id in ids:
        assert len(_texts_to(telegram, user_id, "Пауза и продолжение")) == 1
    assert set(pauses) == {1 / 25}


async def test_leaving_the_panel_stops_waiting_for_typed_input(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    admin = await _admin(telegram)
    await admin.click("Пользователь")
    assert "id пользователя" in admin.last_text()
    await admin.send("/model z-image")  # the admin goes to generate instead
    assert "✏️" in admin.last_text()
    await admin.send("a fox")  # a prompt, not a user look-up
    assert "не найден" not in admin.last_text()
    assert "Z-Image" in admin.last_text()
    assert "🚀 Запустить генерацию" in admin.buttons()  # the wizard went on
