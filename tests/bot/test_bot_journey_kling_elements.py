"""Kling 3.0's elements in a whole conversation: named photos or a video, each checked, added
from the settings and sent as `kling_elements` (the real bot, the Bot API stand-in and the
sandbox KIE, which checks the body against the catalog)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from journey_kit import ADMIN, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.jobs import Job, JobState
from kiegram.sandbox.media import tiny_mp3, tiny_mp4, tiny_png

CONFIRM = "Запустить генерацию"
DONE = "✅ Готово! Что дальше?"
ELEMENTS = "Элементы (персонажи, предметы)"


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        yield app


def refusal(user: FakeUser) -> str:
    """The newest refusal ("⚠️ ..."), sent before the question is shown again."""
    found = [str(m.get("text")) for m in user.chat() if str(m.get("text")).startswith("⚠️")]
    return found[-1] if found else ""


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


async def open_elements(user: FakeUser) -> None:
    await user.send("/model kling-3.0/video")
    await user.send("@dog meets @cat in a sunny garden")  # one shot: the confirm
    await user.click("⚙️ Настройки")
    await user.click(ELEMENTS)
    assert f"{ELEMENTS}, № 1." in user.last_text() and "Имя элемента" in user.last_text()
    assert "Пропустить" in user.buttons()  # optional: one tap leaves the list empty


async def test_two_elements_are_added_from_the_settings_and_sent_as_documented(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await open_elements(user)
    await user.send("dog")
    await user.send("a ginger corgi")
    await user.send_album([tiny_png(), tiny_png(rgb=(10, 200, 10))])
    await telegram.wait_for(lambda: "Голос элемента" in user.last_text(), timeout=10)
    await user.click("Пропустить")  # photos: no clip times are asked
    screen = user.last_text()
    assert "1. dog · a ginger corgi · " in screen and "Добавьте ещё" in screen

    await user.click("➕ Добавить ещё")
    await user.send("cat")
    await user.send("a grey cat")
    await user.send_file("video", tiny_mp4(), "video/mp4")
    await user.send_file("audio", tiny_mp3(), "audio/mpeg", "meow.mp3")
    assert "Начало фрагмента, мс" in user.last_text()  # a video: where its clip is
    await user.send("1000")
    await user.send("6000")
    assert "2. cat · a grey cat · " in user.last_text()
    await user.click("✅ Готово")  # back to the settings
    await user.click("Далее »")
    confirm = user.last_text()
    assert f"{ELEMENTS}:" in confirm and "2. cat · a grey cat" in confirm
    await user.click(CONFIRM)

    job = await delivered_job(bot, telegram, user)
    assert job.state is JobState.DELIVERED
    dog, cat = job.payload["kling_elements"]
    assert {k: v for k, v in dog.items() if k != "element_input_urls"} == {
        "name": "dog",
        "description": "a ginger corgi",
    }
    assert len(dog["element_input_urls"]) == 2
    assert cat["name"] == "cat" and cat["start_time"] == 1000 and cat["end_time"] == 6000
    assert len(cat["element_input_urls"]) == 1 and len(cat["element_input_audio_urls"]) == 1
    assert job.payload["prompt"] == "@dog meets @cat in a sunny garden"


async def test_an_element_is_refused_in_words_until_it_is_right(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await open_elements(user)
    await user.send("@my dog")
    assert "Имя элемента: напишите одно слово латиницей" in refusal(user)
    await user.send("dog")
    await user.send("a ginger corgi")
    await user.send_photo(tiny_png())
    await telegram.wait_for(lambda: "пришлите 2–4 фото или 1 видео" in refusal(user), timeout=10)
    await user.send_file("video", tiny_mp4(), "video/mp4")
    await user.click("Пропустить")  # no voice
    await user.send("6000")
    await user.send("7000")
    assert "«Конец фрагмента, мс» — на 3000–8000 мс позже" in refusal(user)
    await user.send("9000")
    assert "1. dog · a ginger corgi · " in user.last_text()


async def test_skip_leaves_the_elements_out(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    await open_elements(user)
    await user.click("Пропустить")
    await user.click("Далее »")
    await user.click(CONFIRM)
    job = await delivered_job(bot, telegram, user)
    assert job.state is JobState.DELIVERED and "kling_elements" not in job.payload
