"""Telegram misbehaving: flood limits, a blocked bot, no-op edits, expired button queries."""

from __future__ import annotations

import logging

import pytest
from drill_kit import (
    CONFIRM,
    PAID_MODEL,
    confirm,
    crashes,
    fund,
    jobs_of,
    money,
    sent,
    texts,
    wait_final,
    walk_to_confirm,
)
from kit import FakeTelegram

from kiegram.app import App

RETRY_AFTER = {
    "error_code": 429,
    "description": "Too Many Requests: retry after 1",
    "parameters": {"retry_after": 1},
}
TOO_OLD = {
    "error_code": 400,
    "description": "Bad Request: query is too old and response timeout expired or query ID is "
    "invalid",
}
Running = tuple[App, FakeTelegram]


async def _paid_generation(app: App, telegram: FakeTelegram, user_id: int) -> None:
    await fund(app, user_id, 100)
    user = telegram.user(user_id)
    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await confirm(user)


async def _retry_after_on_result(
    app: App, telegram: FakeTelegram, user_id: int, method: str
) -> None:
    user = telegram.user(user_id)
    await _paid_generation(app, telegram, user.id)
    # The "queued" notice went out inside the confirm handler; the next send is the result's.
    telegram.fail_next(method, RETRY_AFTER)
    await wait_final(app, telegram, user.id, timeout=15)
    await telegram.wait_for(lambda: any("Готово" in t for t in texts(telegram, user)), 10)
    assert len(sent(telegram, user, "sendPhoto")) == 1
    assert len([t for t in texts(telegram, user) if "Что дальше" in t]) == 1
    [job] = await jobs_of(app, user.id)
    assert job.state == "delivered"
    assert await money(app, user.id) == (94, 0, 0)


async def test_retry_after_on_the_result_photo_still_shows_the_photo(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    app, telegram = running
    caplog.set_level(logging.WARNING)
    await _retry_after_on_result(app, telegram, 601, "sendPhoto")
    assert not crashes(caplog)


async def test_retry_after_on_the_done_message_delivers_once(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    app, telegram = running
    caplog.set_level(logging.WARNING)
    await _retry_after_on_result(app, telegram, 607, "sendMessage")
    assert not crashes(caplog)


async def test_retry_after_on_the_queued_notice_still_submits(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    app, telegram = running
    caplog.set_level(logging.WARNING)
    await fund(app, 606, 100)
    user = telegram.user(606)
    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await walk_to_confirm(user)
    telegram.fail_next("sendMessage", RETRY_AFTER)
    await user.click(CONFIRM)
    assert await money(app, user.id) in ((94, 6, 0), (94, 0, 0))
    await wait_final(app, telegram, user.id, timeout=10)
    assert len(sent(telegram, user, "sendPhoto")) == 1
    assert await money(app, user.id) == (94, 0, 0)
    assert not crashes(caplog)


async def test_a_user_who_blocked_the_bot_is_settled_and_others_are_served(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    app, telegram = running
    caplog.set_level(logging.WARNING)
    gone = telegram.user(602)
    await _paid_generation(app, telegram, gone.id)
    telegram.blocked.add(gone.id)
    await wait_final(app, telegram, gone.id)
    [job] = await jobs_of(app, gone.id)
    assert job.state in ("delivered", "failed")
    balance, held, _free = await money(app, gone.id) or (0, 0, 0)
    assert held == 0 and balance in (94, 100)  # captured (kept result) or released
    later = telegram.user(603)
    await later.send("/start")
    assert "Привет" in later.last_text()
    await _paid_generation(app, telegram, later.id)
    await wait_final(app, telegram, later.id)
    assert len(sent(telegram, later, "sendPhoto")) == 1
    assert not crashes(caplog)


async def test_message_not_modified_on_edits_is_harmless(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    _app, telegram = running
    caplog.set_level(logging.WARNING)
    user = telegram.user(604)
    await user.send("/start")
    not_modified = {"error_code": 400, "description": "Bad Request: message is not modified"}
    telegram.fail_next("editMessageText", not_modified)
    menu = user.last_message()
    await user.click(user.buttons()[0])
    assert user.last_message() == menu  # the refused edit left the menu as it was
    assert len(user.answered_callbacks()) == 1
    await user.send("/model z-image")
    telegram.fail_next("editMessageText", not_modified)
    await user.click("Назад")
    await user.send("/model z-image")
    await user.send("a calm sea")
    assert any("Далее" in b or CONFIRM in b for b in user.buttons())
    assert not crashes(caplog)


async def test_expired_callback_queries_do_not_break_the_handler(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    _app, telegram = running
    caplog.set_level(logging.WARNING)
    user = telegram.user(605)
    await user.send("/model z-image")
    await user.send("a red fox")
    step = user.last_text()
    telegram.fail_next("answerCallbackQuery", TOO_OLD)
    await user.click("Настройки")
    assert user.last_text() != step  # the press still moved the wizard on
    telegram.fail_next("answerCallbackQuery", TOO_OLD)
    await user.click("Отмена")
    assert "Отменено" in user.last_text()
    assert not crashes(caplog)
