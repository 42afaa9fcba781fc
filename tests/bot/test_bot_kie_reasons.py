"""A KIE failure whose reason we can explain better gets its own translated message (timed
lyrics of a track without words); any other reason is quoted in the generic one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from kit import FakeTelegram

from kiegram.bot.delivery import TelegramDelivery
from kiegram.bot.session import BotApiSession
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.jobs import Job, JobState
from kiegram.jobs.model import utcnow
from kiegram.kie.lyrics_status import NO_LYRICS

CHAT = 5160


@pytest.fixture
async def sent() -> AsyncIterator[tuple[TelegramDelivery, FakeTelegram]]:
    telegram = FakeTelegram()
    await telegram.start()
    bot = Bot(
        telegram.token,
        session=BotApiSession(api=TelegramAPIServer.from_base(telegram.base_url)),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    delivery = TelegramDelivery(bot, load_translator(), load_catalog(), None, None, None, None)
    yield delivery, telegram
    await bot.session.close()
    await telegram.stop()


def failed(reason: str, lang: str) -> Job:
    return Job(
        user_id=CHAT,
        chat_id=CHAT,
        model_id="suno-timestamped-lyrics",
        api="suno",
        output="text",
        payload={"taskId": "t1", "audioId": "a1"},
        cost=Decimal(2),
        deadline_at=utcnow() + timedelta(minutes=10),
        lang=lang,
        state=JobState.FAILED,
        error_code="generation_failed",
        error_message=reason,
    )


def texts(telegram: FakeTelegram) -> list[str]:
    return [str(c.params.get("text")) for c in telegram.calls if c.method == "sendmessage"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["нет слов", "инструментал", "Деньги вернулись"]),
        ("en", ["no words", "instrumental", "money is back"]),
    ],
)
async def test_timed_lyrics_of_a_track_without_words_are_explained_in_the_users_language(
    sent: tuple[TelegramDelivery, FakeTelegram], lang: str, words: list[str]
) -> None:
    delivery, telegram = sent
    await delivery.fail(failed(f"[no_lyrics] {NO_LYRICS}", lang))
    (text,) = texts(telegram)
    assert all(w in text for w in words), text
    assert NO_LYRICS not in text and "no_lyrics" not in text


async def test_an_unknown_kie_reason_is_quoted_in_the_generic_message(
    sent: tuple[TelegramDelivery, FakeTelegram],
) -> None:
    delivery, telegram = sent
    await delivery.fail(failed("[501] Generation failed", "ru"))
    (text,) = texts(telegram)
    assert "Генерация не удалась: [501] Generation failed" in text
