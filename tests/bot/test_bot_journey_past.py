"""/history gives results back: the same Telegram files again, Repeat, and any one file of a
multi-file result (a Midjourney grid) as another model's input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from journey_kit import ADMIN, calls_to, settled, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.callbacks import Past, Reuse
from kiegram.jobs import Job
from kiegram.wizard import build_payload

CONFIRM = "Запустить генерацию"


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        yield app


async def generate(bot: App, user: FakeUser, model: str, values: dict[str, Any]) -> Job:
    """A delivered job of the user, submitted as a confirmed wizard submits it."""
    spec = bot.dp["catalog"].get(model)
    assert spec is not None
    payload = build_payload(spec, values)
    job = await bot.jobs.submit(model, payload, user_id=user.id, chat_id=user.id, lang="ru")
    return await settled(bot, job.id)


def photo_ids(messages: list[dict[str, Any]]) -> list[str]:
    return [m["photo"][-1]["file_id"] for m in messages if m.get("photo")]


async def test_history_sends_the_same_telegram_file_again_and_offers_repeat(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    job = await generate(bot, user, "z-image", {"prompt": "a lighthouse at dawn"})
    (delivered,) = photo_ids(user.chat())
    sent_before = len(calls_to(telegram, user, "sendphoto"))
    await user.send("/history")
    assert "Z-Image" in user.last_text() and "📤 — прислать результат ещё раз" in user.last_text()
    await user.click("📤 1")
    again = calls_to(telegram, user, "sendphoto")[sent_before:]
    assert [c.params["photo"] for c in again] == [delivered]  # by file id: nothing uploaded
    assert not again[0].files
    assert "a lighthouse at dawn" in again[0].params["caption"]
    assert "Что дальше?" in user.last_text()
    assert {"🔁 Повторить", "🧩 Использовать в другой модели"} <= set(user.buttons())
    await user.click("🔁 Повторить")
    assert "a lighthouse at dawn" in user.last_text()
    await user.click(CONFIRM)
    await telegram.wait_for(lambda: len(photo_ids(user.chat())) >= 3, timeout=30)
    newest = (await bot.dp["history"].page(user.id, 0, 1))[0]
    assert newest.id != job.id and (await settled(bot, newest.id)).payload == job.payload


async def test_the_third_image_of_a_grid_becomes_the_next_models_input(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    values = {"taskType": "mj_txt2img", "prompt": "four foxes", "speed": "fast"}
    grid = await generate(bot, user, "midjourney", values)
    assert len(grid.result_urls) == 4
    assert len(photo_ids(user.chat())) == 4  # one album
    buttons = user.buttons()
    assert [b for b in buttons if b.startswith("🧩")] == [
        f"🧩 №{n} — в другую модель" for n in (1, 2, 3, 4)
    ]
    await user.click("🧩 №3")
    assert "Какой модели" in user.last_text()
    await user.click("Recraft · удаление фона")
    assert CONFIRM in " ".join(user.buttons())
    await user.click(CONFIRM)
    await telegram.wait_for(lambda: len(photo_ids(user.chat())) >= 5, timeout=30)
    newest = (await bot.dp["history"].page(user.id, 0, 1))[0]
    reused = await settled(bot, newest.id)
    assert reused.model_id == "recraft/remove-background"
    assert reused.payload["image"] == grid.result_urls[2]


async def test_history_reuses_any_file_of_a_past_grid(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN, language_code="en")
    values = {"taskType": "mj_txt2img", "prompt": "owls", "speed": "fast"}
    grid = await generate(bot, user, "midjourney", values)
    album = photo_ids(user.chat())
    await user.send("/history")
    await user.click("📤 1")
    group = calls_to(telegram, user, "sendmediagroup")[-1]
    assert [m["media"] for m in group.params["media"]] == album
    await user.click("🧩 #2")
    await user.click("Recraft")
    newest = await bot.dp["history"].count(user.id)
    assert newest == 1  # nothing submitted before Start
    await user.click("Start generation")
    await telegram.wait_for(lambda: len(photo_ids(user.chat())) >= 9, timeout=30)
    reused = await settled(bot, (await bot.dp["history"].page(user.id, 0, 1))[0].id)
    assert reused.payload["image"] == grid.result_urls[1]


async def test_a_result_of_another_user_is_not_sent(bot: App, telegram: FakeTelegram) -> None:
    owner, other = telegram.user(ADMIN), telegram.user(4242)
    job = await generate(bot, owner, "z-image", {"prompt": "mine"})
    await other.press_data(Past(job=job.id).pack())
    assert "не найдена" in other.last_text()
    await other.press_data(Reuse(job=job.id, f=0).pack())
    assert "не найдена" in other.last_text()
    assert not calls_to(telegram, other, "sendphoto")


@pytest.mark.parametrize(
    "data", ["ru:abc:x", "ru:abc:0:-7", "hp:", "pi:zz:", "pi:new:ffffff", "pi:go:ffffff"]
)
async def test_forged_reuse_history_and_helper_presses_are_answered(
    bot: App, telegram: FakeTelegram, data: str
) -> None:
    user = telegram.user(4343)
    await user.send("/model z-image")
    calls = await user.press_data(data)
    assert any(c.method == "answercallbackquery" for c in calls)
    assert any(c.method in ("sendmessage", "editmessagetext") for c in calls), data
