"""Ban and unban from the admin's user card: a banned user gets one polite line for anything
they send and nothing runs; the guard reads nothing from the database for anyone."""

from __future__ import annotations

from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call
from sqlalchemy import event

from kiegram.app import App
from kiegram.billing import Ledger
from kiegram.billing.ports import UserStore

ADMIN = 999  # the `running` fixture's admin id
REFUSED = "Доступ к боту для вас закрыт"


@pytest.fixture
def bot_settings(database_url: str) -> dict[str, Any]:
    return {"database_url": database_url, "stars_packs": "100:50"}


def _calls_to(telegram: FakeTelegram, user: FakeUser, since: int) -> list[Call]:
    return [c for c in telegram.calls[since:] if str(c.params.get("chat_id")) == str(user.id)]


async def _card(telegram: FakeTelegram, who: str) -> FakeUser:
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    await admin.click("Пользователь")
    await admin.send(who)
    return admin


async def test_a_banned_user_gets_one_line_for_anything_and_nothing_runs(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(801, username="troll")
    await user.send("/start")
    menu_buttons = user.buttons()
    await user.send("/model z-image")  # a wizard open when the ban comes

    admin = await _card(telegram, "@troll")
    assert "🚫 Заблокировать" in admin.buttons()
    await admin.click("Заблокировать")
    assert "Пользователь 801 заблокирован" in admin.last_text()
    assert "🚫 Заблокирован администратором" in admin.last_text()  # the card, shown again
    assert "✅ Разблокировать" in admin.buttons()
    users: UserStore = app.dp["users"]
    info = await users.get(801)
    assert info is not None and info.blocked

    for text in ("/start", "a lighthouse at night", "/balance", "/model z-image"):
        since = len(telegram.calls)
        await user.send(text)
        calls = _calls_to(telegram, user, since)
        assert [c.method for c in calls] == ["sendmessage"], text
        assert REFUSED in str(calls[0].params["text"])
        assert "reply_markup" not in calls[0].params

    since = len(telegram.calls)
    await user.click(menu_buttons[0])  # a button of the menu shown before the ban
    answers = [c for c in telegram.calls[since:] if c.method == "answercallbackquery"]
    assert len(answers) == 1 and REFUSED in str(answers[0].params["text"])
    assert answers[0].params.get("show_alert") is True
    assert not [c for c in telegram.calls[since:] if c.method.startswith("edit")]


async def test_unban_tells_the_user_and_the_bot_answers_again(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(802)
    await user.send("/start")
    admin = await _card(telegram, "802")
    await admin.click("Заблокировать")
    await user.send("/start")
    assert REFUSED in user.last_text()

    await admin.click("Разблокировать")
    assert "Пользователь 802 разблокирован" in admin.last_text()
    assert "Заблокирован администратором" not in admin.last_text()
    assert "🚫 Заблокировать" in admin.buttons()
    assert "Доступ к боту снова открыт" in user.last_text()
    await user.send("/start")
    assert REFUSED not in user.last_text() and user.buttons()


async def test_an_admin_cannot_be_banned(running: tuple[App, FakeTelegram]) -> None:
    app, telegram = running
    await telegram.user(ADMIN).send("/start")
    admin = await _card(telegram, str(ADMIN))
    await admin.click("Заблокировать")
    assert "Администратора заблокировать нельзя" in admin.last_text()
    users: UserStore = app.dp["users"]
    info = await users.get(ADMIN)
    assert info is not None and not info.blocked
    await admin.send("/admin")
    assert "Админ-панель" in admin.last_text()


async def test_a_payment_that_went_through_is_credited_though_the_checkout_was_refused(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(803)
    await user.send("/balance")
    await user.click("100 кр. — 50 ⭐")
    invoice = next(c for c in reversed(telegram.calls) if c.method == "sendinvoice")
    admin = await _card(telegram, "803")
    await admin.click("Заблокировать")

    await user.pay(str(invoice.params["payload"]), 50, "charge-803")
    checkout = next(c for c in reversed(telegram.calls) if c.method == "answerprecheckoutquery")
    assert checkout.params["ok"] is False and REFUSED in str(checkout.params["error_message"])
    ledger: Ledger = app.dp["ledger"]
    assert (await ledger.account(803)).balance == 100  # Telegram took the Stars: credited


async def test_the_guard_reads_nothing_for_a_user_who_is_not_banned(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(804)
    await user.send("/start")
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await user.send("/help")
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", seen)
    assert not [s for s in statements if "blocked" in s or "FROM users" in s], statements
    assert REFUSED not in user.last_text()
