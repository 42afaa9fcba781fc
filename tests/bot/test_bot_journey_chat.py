"""The 💬 Chat section through the fake Telegram: KIE's chat models (the sandbox's streamed
canned answer), paid per answer by its tokens, streamed into one message within Telegram's
edit rate (the fake refuses faster edits), context kept, new chat, /cancel, photo, voice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from chat_kit import EDIT_SECONDS, edit_limited, funded, money
from chat_kit import chat_desk as desk
from journey_kit import ADMIN, calls_to, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.storage.chat_history import SqlChatHistory

MODEL = "Gemini 2.5 Flash"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


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


async def answer(telegram: FakeTelegram, user: FakeUser, text: str, n: int) -> str:
    """Send `text` in the chat and wait for the `n`-th finished answer's last message."""
    await user.send(text)
    await telegram.wait_for(lambda: _finished(user) >= n, timeout=20)
    return user.last_text()


ENDINGS = ("<i>−", "<i>🎁", "<i>⏹", "Модель не ответила")  # a finished answer's last words


def _finished(user: FakeUser) -> int:
    return sum(
        1
        for m in user.chat()
        if "🆕" in " ".join(user.buttons(m)) and any(e in str(m.get("text")) for e in ENDINGS)
    )


async def open_chat(user: FakeUser) -> str:
    await user.send("/start")
    await user.click("💬 Чат")
    return user.last_text()


async def test_a_conversation_keeps_its_context_and_is_paid_per_answer(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(801)
    await funded(bot, user, 100)
    section = await open_chat(user)
    assert "Чат с нейросетью" in section and "Claude Sonnet 4.5" in section
    assert "за сообщение" in section and "кр." in section
    assert any(b.startswith(f"✓ {MODEL}") for b in user.buttons())

    first = await answer(telegram, user, "Привет, меня зовут Маша", 1)
    assert "<b>gemini-2.5-flash</b> (sandbox) got message 1: «Привет, меня зовут Маша»" in first
    assert "&lt;b&gt;not a tag&lt;/b&gt;" in first and "<code>code</code>" in first
    assert "• one item" in first  # Markdown rendered as Telegram HTML
    assert "▌" not in first
    spent = 100 - (await money(bot, user))[0]
    assert f"−{spent} кредит" in first and MODEL in first
    assert spent >= 1 and await money(bot, user) == (100 - spent, 0)  # captured, none held

    second = await answer(telegram, user, "Как меня зовут?", 2)
    assert "got message 2: «Как меня зовут?»" in second
    assert "Before that you wrote: «Привет, меня зовут Маша»" in second  # the context went
    history = SqlChatHistory(bot.engine, 200)
    assert await history.count(user.id) == 4
    assert telegram.too_fast == []


async def test_the_answer_streams_into_one_message_within_the_edit_rate(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(802)
    await funded(bot, user, 100)
    await open_chat(user)
    before = len(calls_to(telegram, user, "sendmessage"))
    final = await answer(telegram, user, "Расскажи подробно sandbox:slow", 1)
    sends = calls_to(telegram, user, "sendmessage")[before:]
    assert len(sends) == 1  # the answer is one message...
    assert sends[0].params["text"].endswith("▌")  # ...sent with its first piece
    answer_id = user.last_message()["message_id"]  # type: ignore[index]
    edits = [
        c
        for c in calls_to(telegram, user, "editmessagetext")
        if c.params.get("message_id") == answer_id
    ]
    assert len(edits) >= 3  # streamed in several steps, not all at the end
    assert all(c.params["text"].endswith("▌") for c in edits[:-1])
    assert "got message 1" in final and "▌" not in final
    assert telegram.too_fast == []  # never faster than Telegram allows


async def test_a_new_chat_forgets_the_old_one(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(803)
    await funded(bot, user, 100)
    await open_chat(user)
    await answer(telegram, user, "Запомни число 42", 1)
    await user.click("🆕 Новый чат")
    assert "Начали новый чат" in user.last_text()
    fresh = await answer(telegram, user, "Какое число?", 2)
    assert "got message 1: «Какое число?»" in fresh
    assert "Запомни число 42" not in fresh


async def test_cancel_stops_the_answer_and_pays_only_what_was_consumed(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(804)
    await funded(bot, user, 100)
    await open_chat(user)
    await user.send("Напиши поэму sandbox:slow")
    await telegram.wait_for(lambda: "▌" in user.last_text(), timeout=10)
    assert (await money(bot, user))[1] > 0  # held while it streams
    held = (await money(bot, user))[1]
    await user.send("/cancel")
    assert any("Остановила ответ" in str(m.get("text")) for m in user.chat()[-2:])
    stopped = next(m for m in user.chat() if "остановлено" in str(m.get("text")))
    assert "▌" not in stopped["text"]
    balance, still_held = await money(bot, user)
    assert still_held == 0
    assert 1 <= 100 - balance < held  # the consumed part captured, the rest released
    assert f"−{100 - balance} кредит" in stopped["text"]
    assert not desk(bot).busy(user.id)
    assert telegram.too_fast == []


async def test_a_photo_goes_to_a_vision_model(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(805)
    await funded(bot, user, 100)
    await open_chat(user)
    await user.click("Claude Sonnet 4.5")
    assert "Модель: <b>Claude Sonnet 4.5</b>" in user.last_text()
    await user.send_photo(JPEG, caption="Что на фото?")
    await telegram.wait_for(lambda: _finished(user) >= 1, timeout=20)
    text = user.last_text()
    assert "<b>claude-sonnet-4-5</b> (sandbox) got message 1: «Что на фото?»" in text
    assert "I see 1 image(s)." in text and "Claude Sonnet 4.5" in text


async def test_a_voice_message_is_transcribed_shown_and_answered(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(806)
    await funded(bot, user, 100)
    await open_chat(user)
    await user.send_file("voice", b"OggS" + b"\x00" * 64, "audio/ogg", "voice.ogg")
    heard = next(m for m in user.chat() if "Расслышала" in str(m.get("text")))
    assert "sandbox transcript for" in heard["text"]
    await telegram.wait_for(lambda: _finished(user) >= 1, timeout=20)
    assert "got message 1: «sandbox transcript for" in user.last_text()
    balance, held = await money(bot, user)
    assert held == 0 and balance < 100 - 1  # the transcription and the answer paid


async def test_without_credits_the_packs_are_offered_and_nothing_is_asked(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(807)
    await funded(bot, user, 0)
    await open_chat(user)
    await user.send("Привет")
    assert "Не хватает кредитов" in user.last_text()
    assert "💰 Баланс" in user.buttons()
    assert len(user.buttons()) >= 2  # the top-up packs above the balance button
    assert await money(bot, user) == (0, 0)
    assert await SqlChatHistory(bot.engine, 200).count(user.id) == 0


async def test_a_kie_error_gives_the_credits_back(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(808)
    await funded(bot, user, 100)
    await open_chat(user)
    failed = await answer(telegram, user, "Привет sandbox:fail", 1)
    assert "Модель не ответила" in failed and "кредиты вернулись" in failed
    assert await money(bot, user) == (100, 0)
    broken = await answer(telegram, user, "Привет sandbox:break", 2)
    assert "Модель не ответила" in broken and "got message" in broken  # the part that came
    assert await money(bot, user) == (100, 0)
    assert await SqlChatHistory(bot.engine, 200).count(user.id) == 0


async def test_a_long_answer_is_split_at_paragraphs(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)  # an admin chats for free
    await open_chat(user)
    last = await answer(telegram, user, "Много текста sandbox:long", 1)
    assert "🎁 бесплатно" in last
    parts = [m["text"] for m in user.chat() if "Paragraph" in str(m.get("text"))]
    assert len(parts) == 2
    assert parts[0].rstrip().endswith("nothing much.")  # cut between paragraphs
    assert parts[1].startswith("Paragraph ")
    assert all(len(p) <= 4096 for p in parts)
    assert "Paragraph 12." in parts[1] and "Paragraph 1." in parts[0]
    assert telegram.too_fast == []


async def test_a_second_message_while_answering_is_asked_to_wait(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(809)
    await funded(bot, user, 100)
    await open_chat(user)
    await user.send("Первый вопрос sandbox:slow")
    await telegram.wait_for(lambda: "▌" in user.last_text(), timeout=10)
    held = (await money(bot, user))[1]
    await user.send("Второй вопрос")
    assert any("Ещё отвечаю" in str(m.get("text")) for m in user.chat()[-2:])
    assert (await money(bot, user))[1] == held  # nothing more held for the refused one
    await telegram.wait_for(lambda: _finished(user) >= 1, timeout=20)
    assert "Второй вопрос" not in " ".join(str(m.get("text")) for m in user.chat())


async def test_starting_a_model_leaves_the_chat(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(810)
    await funded(bot, user, 100)
    await open_chat(user)
    await user.send("/model z-image")
    await user.send("a red kite over the sea")
    key = StorageKey(bot_id=bot.bot.id, chat_id=user.id, user_id=user.id)
    values = ((await bot.dp.storage.get_data(key)).get("wz") or {}).get("values") or {}
    assert values.get("prompt") == "a red kite over the sea"  # the wizard took it
    assert not desk(bot).busy(user.id) and "(sandbox) got message" not in str(user.chat())
    assert await SqlChatHistory(bot.engine, 200).count(user.id) == 0


async def test_the_free_quota_covers_chat_only_when_the_operator_says_so(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with started(
        telegram,
        tmp_path,
        free_daily_generations=1,
        free_max_units=10,
        chat_free=True,
        chat_edit_seconds=EDIT_SECONDS,
    ) as app:
        user = telegram.user(811)
        await funded(app, user, 100)
        await open_chat(user)
        free = await answer(telegram, user, "Привет", 1)
        assert "🎁 бесплатно" in free
        assert await money(app, user) == (100, 0)
        paid = await answer(telegram, user, "Ещё вопрос", 2)  # the day's one free use is spent
        assert "<i>−" in paid and (await money(app, user))[0] < 100


async def test_without_the_setting_chat_is_paid_despite_the_free_quota(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with started(
        telegram, tmp_path, free_daily_generations=3, chat_edit_seconds=EDIT_SECONDS
    ) as app:
        user = telegram.user(812)
        await funded(app, user, 100)
        await open_chat(user)
        paid = await answer(telegram, user, "Привет", 1)
        assert "<i>−" in paid and (await money(app, user))[0] < 100


async def test_an_answer_telegram_refuses_to_show_is_not_paid(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(813)
    await funded(bot, user, 100)
    await open_chat(user)
    telegram.blocked.add(user.id)  # the user blocked the bot: every send is refused
    await user.send("Привет")
    await telegram.wait_for(lambda: user.id in desk(bot).finished, timeout=20)
    assert desk(bot).finished[user.id].outcome == "failed"
    assert await money(bot, user) == (100, 0)
