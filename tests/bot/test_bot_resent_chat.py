"""A re-sent chat question, prompt-helper answer, /history or result button is not applied
(nor paid) twice (issue #26): fed twice through the real dispatcher, SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chat_kit import EDIT_SECONDS, edit_limited, funded, money
from journey_kit import ADMIN, calls_to, settled, started
from kit import FakeTelegram, FakeUser
from kit.telegram_resend import DONE, message, press, twice

from kiegram.app import App
from kiegram.wizard import build_payload

IMPROVE = "✨ Улучшить описание"
ENDINGS = ("<i>−", "<i>🎁", "<i>⏹", "Модель не ответила")  # a finished answer's last words


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with edit_limited() as server:
        yield server


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(
        telegram, tmp_path, free_daily_generations=0, chat_edit_seconds=EDIT_SECONDS
    ) as app:
        yield app


def answers(user: FakeUser) -> int:
    """The finished chat answers the user got (a price line and a 🆕 button)."""
    return sum(
        1
        for m in user.chat()
        if "🆕" in " ".join(user.buttons(m)) and any(e in str(m.get("text")) for e in ENDINGS)
    )


async def test_a_re_sent_question_is_answered_and_paid_once(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(1201)
    await funded(bot, user, 100)
    await user.send("/chat")
    update = message(bot, user, text="Сколько будет два плюс два?")
    await bot.dp.feed_update(bot.bot, update)
    await telegram.wait_for(lambda: answers(user) == 1, timeout=20)
    paid = await money(bot, user)
    assert paid[0] < 100 and paid[1] == 0

    since = len(telegram.calls)
    await bot.dp.feed_update(bot.bot, update)  # Telegram's re-send
    await asyncio.sleep(EDIT_SECONDS * 2)  # an answer, were one started, would show by now
    assert DONE in user.last_text()
    assert answers(user) == 1 and await money(bot, user) == paid
    assert not [c for c in telegram.calls[since:] if c.method == "editmessagetext"]


async def test_a_re_sent_draft_and_choice_rewrite_and_charge_once(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(1202)
    await funded(bot, user, 100)
    await user.send("/model z-image")
    await user.click(IMPROVE)
    draft = message(bot, user, text="рыжий кот на крыше")
    first, again = await twice(bot, telegram, user, draft)
    assert "Ваш вариант" in first
    assert again and "Ваш вариант" not in again  # the current screen again, no new rewrite
    price = int(bot.dp["helper"].price)
    assert await money(bot, user) == (100 - price, 0)

    first, again = await twice(bot, telegram, user, press(bot, user, "✨ Взять улучшенный"))
    assert first and DONE in again
    assert await money(bot, user) == (100 - price, 0)


async def test_re_sent_history_and_result_buttons_act_once(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)  # as in the /history journey: a delivered job of theirs
    spec = bot.dp["catalog"].get("z-image")
    payload = build_payload(spec, {"prompt": "a lighthouse at dawn"})
    job = await bot.jobs.submit("z-image", payload, user_id=user.id, chat_id=user.id, lang="ru")
    await settled(bot, job.id)
    await user.send("/history")
    before = len(calls_to(telegram, user, "sendphoto"))
    first, again = await twice(bot, telegram, user, press(bot, user, "📤 1"))
    assert "a lighthouse at dawn" in first and DONE in again
    assert len(calls_to(telegram, user, "sendphoto")) == before + 1  # the photo sent once

    first, again = await twice(bot, telegram, user, press(bot, user, "🔁 Повторить"))
    assert "a lighthouse at dawn" in first and DONE in again
    assert "a lighthouse at dawn" in user.find_button("Запустить генерацию")[0]["text"]
