"""Object lists and model modes in a whole conversation: the real bot, the Bot API stand-in and
the sandbox KIE (which checks every body against the catalog, lists and modes included)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from journey_kit import ADMIN, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.callbacks import Wz
from kiegram.catalog.spec import MODE_INPUT
from kiegram.jobs import Job, JobState
from kiegram.sandbox.media import tiny_png
from kiegram.wizard import Action

CONFIRM = "Запустить генерацию"
DONE = "✅ Готово! Что дальше?"


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        yield app


async def pick_voice(app: App, user: FakeUser, voice: str) -> None:
    """Press the voice option with this id (several voices share a first name)."""
    spec = app.dp["catalog"].get("elevenlabs/text-to-dialogue-v3")
    options = spec.input("dialogue").item_fields[1].option_values()
    key = StorageKey(bot_id=app.bot.id, chat_id=user.id, user_id=user.id)
    sid = str((await app.dp.storage.get_data(key)).get("sid", ""))
    await user.press_data(Wz(a=Action.OPTION.value, i=str(options.index(voice)), s=sid).pack())


def texts(user: FakeUser) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in user.chat()]


async def delivered_job(app: App, telegram: FakeTelegram, user: FakeUser) -> Job:
    await telegram.wait_for(lambda: DONE in texts(user), timeout=30)
    for _ in range(200):
        jobs = list(await app.dp["history"].page(user.id, 0, 10))
        if jobs and all(job.state.final for job in jobs):
            (job,) = jobs
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the job never finished")


async def test_a_dialogue_is_written_line_by_line_and_sent_as_a_list(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model elevenlabs/text-to-dialogue-v3")
    assert "Диалог, № 1." in user.last_text() and "Текст реплики" in user.last_text()
    await user.send("Привет!  Как дела?\nДавно не виделись.")
    assert "Диалог, № 1." in user.last_text() and "✅ James" in user.buttons()
    await user.click("Liam")
    screen = user.last_text()
    assert "1. Привет!  Как дела?" in screen and "Добавьте ещё" in screen
    assert {"🗑 № 1", "➕ Добавить ещё", "✅ Готово"} <= set(user.buttons())

    await user.click("➕ Добавить ещё")
    assert "Диалог, № 2." in user.last_text()
    await user.send("Отлично!")
    await pick_voice(bot, user, "cgSgspJ2msm6clMCkdW9")
    assert "2. Отлично! · Jessica" in user.last_text().splitlines()
    await user.click("✅ Готово")  # the confirm: stability and language keep their defaults
    confirm = user.last_text()
    assert "Диалог:" in confirm and "2. Отлично! · Jessica" in confirm
    await user.click(CONFIRM)

    job = await delivered_job(bot, telegram, user)
    assert job.state is JobState.DELIVERED
    assert job.payload["dialogue"] == [
        {"text": "Привет!  Как дела?\nДавно не виделись.", "voice": "TX3LPaxmHKxFdv7VOQHJ"},
        {"text": "Отлично!", "voice": "cgSgspJ2msm6clMCkdW9"},
    ]


async def test_seedance_asks_the_mode_first_and_sends_only_that_modes_inputs(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model bytedance/seedance-2")
    assert "Как задать видео" in user.last_text()
    assert {"Первый и последний кадр", "Референсы: фото и звук"} <= set(user.buttons())
    await user.click("Референсы: фото и звук")
    await user.send("a cat walks on the beach")  # the confirm: references one tap away
    assert "➕ Изображения-референсы" in user.buttons()
    assert not [b for b in user.buttons() if "кадр" in b.lower()]  # the other mode's inputs
    await user.click("➕ Изображения-референсы")
    await user.send_photo(tiny_png())
    await user.click(CONFIRM)

    job = await delivered_job(bot, telegram, user)
    assert job.state is JobState.DELIVERED
    assert MODE_INPUT not in job.payload
    assert "first_frame_url" not in job.payload and "last_frame_url" not in job.payload
    assert len(job.payload["reference_image_urls"]) == 1


async def test_an_answer_a_later_answer_switches_off_is_named_on_confirm(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model kling-3.0/video")
    await user.send("a red fox in the snow")  # one shot by default: the confirm
    await user.click("⚙️ Настройки")
    await user.click("Планы: Один план")  # the choice's own words, not "no"
    await user.click("Несколько планов")  # the shots are needed now: asked at once
    assert "Планы, № 1." in user.last_text()
    await user.send("a wide shot of the forest")
    await user.send("5")
    assert "1. a wide shot of the forest · 5" in user.last_text().splitlines()
    await user.click("✅ Готово")
    confirm = user.last_text()
    assert "Не будет отправлено: Описание" in confirm
    assert CONFIRM in " ".join(user.buttons())
