"""The SEED.md flows, albums, settings, cancel, history, restarts and progress, through the bot.

The bot runs from its composition root with its HTTP server up, so the sandbox KIE calls back
as KIE does; Telegram is the Bot API stand-in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiohttp import web
from kit import FakeTelegram, FakeUser
from kit.databases import migrated_data_dir
from kit.ports import free_port

from kiegram.app import App, build_app
from kiegram.bot.callbacks import Wz
from kiegram.jobs import Job, JobState
from kiegram.sandbox.media import tiny_png
from kiegram.settings import Settings
from kiegram.wizard import Action

ADMIN = 999
CONFIRM = "Запустить генерацию"
DONE = "✅ Готово! Что дальше?"


@asynccontextmanager
async def started(telegram: FakeTelegram, data_dir: Path, **overrides: Any) -> AsyncIterator[App]:
    """The whole bot with KIE callbacks reaching its HTTP server; stopped on exit."""
    port = free_port()
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        data_dir=await migrated_data_dir(data_dir),
        http_host="127.0.0.1",
        http_port=port,
        public_url=f"http://127.0.0.1:{port}",
        admin_ids=(ADMIN,),
        **overrides,
    )
    app = await build_app(settings)
    runner = web.AppRunner(app.web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    app.stack.push_async_callback(runner.cleanup)
    poller = asyncio.create_task(app.poller.run(app.stop))
    polling = asyncio.create_task(
        app.dp.start_polling(
            app.bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False
        )
    )
    try:
        yield app
    finally:
        await app.dp.stop_polling()
        await polling
        poller.cancel()
        await app.aclose()


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        yield app


async def sid_of(app: App, user: FakeUser) -> str:
    key = StorageKey(bot_id=app.bot.id, chat_id=user.id, user_id=user.id)
    return str((await app.dp.storage.get_data(key)).get("sid", ""))


async def press(app: App, user: FakeUser, action: Action, arg: int | str = "") -> None:
    await user.press_data(Wz(a=action.value, i=str(arg), s=await sid_of(app, user)).pack())


def texts(user: FakeUser) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in user.chat()]


async def delivered(telegram: FakeTelegram, user: FakeUser, count: int = 1) -> None:
    await telegram.wait_for(lambda: texts(user).count(DONE) >= count, timeout=30)


async def jobs_of(app: App, user: FakeUser) -> list[Job]:
    """The user's jobs, newest first, once none is in flight any more."""
    for _ in range(200):
        jobs = list(await app.dp["history"].page(user.id, 0, 50))
        if all(job.state.final for job in jobs):
            return jobs
        await asyncio.sleep(0.05)
    raise AssertionError(f"jobs still in flight: {[j.state for j in jobs]}")


def progress_messages(user: FakeUser) -> list[dict[str, Any]]:
    return [m for m in user.chat() if "⏱" in str(m.get("text"))]


def calls_to(telegram: FakeTelegram, user: FakeUser, method: str) -> list[Any]:
    return [
        c
        for c in telegram.calls
        if c.method == method and str(c.params.get("chat_id")) == str(user.id)
    ]


# --- the SEED.md flows -----------------------------------------------------------------------


async def test_nano_banana_pro_takes_a_photo_with_its_caption_and_delivers_with_a_caption(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model nano-banana-pro")
    assert "Опишите картинку" in user.last_text() and "Например" in user.last_text()
    assert "Шаг" not in user.last_text()  # the one question it needs: no counter
    # The photo fills the reference images, its caption the prompt: straight to the confirm.
    await user.send_photo(tiny_png(), caption="a cat astronaut, watercolor")
    assert "Проверьте параметры" in user.last_text()
    assert "a cat astronaut, watercolor" in user.last_text()
    assert "📎 Изображения-референсы: 1 файл" in user.buttons()  # the reference, one tap to change
    spec = bot.dp["catalog"].get("nano-banana-pro")
    await user.click("Настройки")
    await press(bot, user, Action.OPEN, [f.name for f in spec.inputs].index("aspect_ratio"))
    await user.click("9:16")
    await user.click("Далее »")  # back to the same confirm
    await user.click(CONFIRM)
    await delivered(telegram, user)
    (job,) = await jobs_of(bot, user)
    assert len(job.payload["image_input"]) == 1 and job.payload["aspect_ratio"] == "9:16"
    photo = calls_to(telegram, user, "sendphoto")[0]
    caption = photo.params["caption"]
    assert "Nano Banana Pro" in caption and "a cat astronaut, watercolor" in caption
    assert ":" in caption.splitlines()[-1]  # the key settings line
    assert calls_to(telegram, user, "senddocument")  # the original file too
    buttons = user.buttons()
    assert {"🔁 Повторить", "🎲 Новая вариация", "🏠 Меню"} <= set(buttons)
    assert "🧩 Использовать в другой модели" in buttons


async def test_background_removal_confirms_right_after_the_image(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model recraft/remove-background")
    await user.send_photo(tiny_png())
    assert CONFIRM in " ".join(user.buttons())
    await user.click(CONFIRM)
    await delivered(telegram, user)
    assert "🎲 Новая вариация" not in user.buttons()  # nothing to vary without a prompt


async def test_topaz_upscale_confirms_after_the_image_and_the_factor_is_a_setting(
    bot: App, telegram: FakeTelegram
) -> None:
    spec = bot.dp["catalog"].get("topaz/image-upscale")
    user = telegram.user(ADMIN)
    await user.send("/model topaz/image-upscale")
    await user.send_photo(tiny_png())
    assert "Проверьте параметры" in user.last_text()
    await user.click("Настройки")
    await press(bot, user, Action.OPEN, [f.name for f in spec.inputs].index("upscale_factor"))
    await press(bot, user, Action.OPTION, 1)
    await user.click("Далее »")
    await user.click(CONFIRM)
    await delivered(telegram, user)
    (job,) = await jobs_of(bot, user)
    factor = bot.dp["catalog"].get("topaz/image-upscale").input("upscale_factor").options[1]
    assert job.state is JobState.DELIVERED and job.payload["upscale_factor"] == factor.value
    assert job.payload["image_url"].startswith("tg:")


async def test_seedream_edit_takes_a_ten_photo_album_as_one_answer(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await user.send("/model seedream/4.5-edit")
    await user.send_album([tiny_png(rgb=(i * 25, 10, 10)) for i in range(10)])
    await telegram.wait_for(lambda: "Шаг 2 из 2" in user.last_text(), timeout=10)
    assert texts(user).count("Получаю файлы…") == 1
    await user.send("make them all look like a comic")
    assert "10 файлов" in user.last_text()
    await user.click(CONFIRM)
    await delivered(telegram, user)
    (job,) = await jobs_of(bot, user)
    assert len(job.payload["image_urls"]) == 10


async def test_changing_several_of_ten_settings_reaches_the_request(
    bot: App, telegram: FakeTelegram
) -> None:
    spec = bot.dp["catalog"].get("qwen/image-edit")
    index = {f.name: i for i, f in enumerate(spec.inputs)}
    user = telegram.user(ADMIN)
    await user.send("/model qwen/image-edit")
    await user.send_photo(tiny_png())
    await user.send("turn the sky purple")
    await user.click("Настройки")
    assert "Настройки" in user.last_text()
    await press(bot, user, Action.OPEN, index["seed"])
    await user.send("42")
    await press(bot, user, Action.OPEN, index["guidance_scale"])
    await user.send("3,33")
    await press(bot, user, Action.TOGGLE, index["enable_safety_checker"])
    await press(bot, user, Action.OPEN, index["output_format"])
    await press(bot, user, Action.OPTION, 1)
    await user.click("Далее »")
    await user.click(CONFIRM)
    await delivered(telegram, user)
    (job,) = await jobs_of(bot, user)
    field = spec.input("output_format")
    assert job.payload["seed"] == 42 and job.payload["guidance_scale"] == 3.3
    checker = spec.input("enable_safety_checker")
    assert job.payload["enable_safety_checker"] is (not checker.default)
    assert job.payload["output_format"] == str(field.options[1].value).lower()


# --- progress, cancel, failures --------------------------------------------------------------


async def generate_and_read_progress(
    telegram: FakeTelegram, user: FakeUser
) -> tuple[dict[str, Any], list[str]]:
    """A Z-Image generation delivered: its progress message and the texts it was edited to."""
    await user.send("/model z-image")
    await user.send("a lighthouse at night")
    await user.click(CONFIRM)
    await delivered(telegram, user)
    (progress,) = progress_messages(user)
    edits = [
        c.params["text"]
        for c in calls_to(telegram, user, "editmessagetext")
        if c.params.get("message_id") in (progress["message_id"], str(progress["message_id"]))
    ]
    return progress, edits


async def test_the_progress_message_is_edited_through_the_stages_and_ends_done(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    progress, edits = await generate_and_read_progress(telegram, user)
    assert "✅ Готово" in progress["text"] and not progress.get("reply_markup")
    assert any("Генерирую" in t for t in edits)
    assert not any("Отправляю" in t for t in edits)  # a quick delivery: no edit for it
    assert "✅ Готово" in edits[-1]
    assert calls_to(telegram, user, "sendchataction")


async def test_a_slow_delivery_shows_the_delivering_stage_at_the_next_tick(
    bot: App, telegram: FakeTelegram
) -> None:
    assert bot.desk.progress is not None
    bot.desk.progress.interval = 0.1
    telegram.delays["sendphoto"] = 1.0
    progress, edits = await generate_and_read_progress(telegram, telegram.user(ADMIN))
    assert any("Отправляю" in t for t in edits)
    assert "✅ Готово" in edits[-1] and "✅ Готово" in progress["text"]


async def test_cancel_during_generation_releases_the_hold(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(601)
    await bot.desk.users.touch(user.id, None, "ru")
    await bot.desk.ledger.grant(user.id, 500, "test-grant-601", ADMIN, "test")
    before = (await bot.desk.ledger.account(user.id)).balance
    await user.send("/model z-image")
    await user.send("a slow fox sandbox:slow")
    assert "Баланс после генерации: 498 кр." in user.last_text()
    await user.click(CONFIRM)
    await telegram.wait_for(lambda: "⛔ Отменить" in str(user.chat()), timeout=10)
    _message, cancel = user.find_button("⛔ Отменить")
    held = (await bot.desk.ledger.account(user.id)).balance
    assert held < before
    await user.click("⛔ Отменить")
    assert "Генерация отменена" in user.last_text()
    assert (await bot.desk.ledger.account(user.id)).balance == before
    (progress,) = progress_messages(user)
    assert "⛔ Отменено" in progress["text"]
    (job,) = await jobs_of(bot, user)
    assert job.state is JobState.CANCELLED
    await user.press_data(cancel)  # the old button again: explained, nothing changes
    assert "уже завершена" in user.last_text()
    await user.send("/history")
    assert "⛔ отменено" in user.last_text()
    await user.click("🔁 1")
    assert "a slow fox" in user.last_text() and "Баланс после генерации" in user.last_text()


async def test_a_failed_generation_is_explained_in_the_users_language(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN, language_code="en")
    await user.send("/model z-image")
    await user.send("a fox sandbox:fail")
    await user.click("Start generation")
    await telegram.wait_for(lambda: "The generation failed" in user.last_text(), timeout=30)
    # The progress message is edited right after the explanation is sent.
    await telegram.wait_for(lambda: "😔 Failed" in progress_messages(user)[0]["text"], timeout=10)
    assert "🔁 Repeat" in user.buttons()


async def test_cancel_midway_with_the_button_returns_to_the_menu(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(602)
    await user.send("/model nano-banana-pro")
    await user.click("Отмена")
    assert "Отменено" in user.last_text()
    await user.send("a prompt nobody waits for")
    assert "ничего не жду" in user.last_text()


# --- after the result: history, repeat, variation, reuse -------------------------------------


async def _one_result(
    bot: App, telegram: FakeTelegram, user: FakeUser, prompt: str, number: int = 1
) -> None:
    await user.send("/model z-image")
    await user.send(prompt)
    await user.click(CONFIRM)
    await delivered(telegram, user, number)


async def test_repeat_from_history_sends_the_same_request(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    await _one_result(bot, telegram, user, "an old tree in fog")
    await user.send("/history")
    assert "Z-Image" in user.last_text() and "✅ готово" in user.last_text()
    await user.click("🔁 1")
    assert "Проверьте параметры" in user.last_text() and "an old tree in fog" in user.last_text()
    await user.click(CONFIRM)
    await delivered(telegram, user, 2)
    second, first = await jobs_of(bot, user)
    assert second.payload == first.payload and second.id != first.id


async def test_history_pages_five_at_a_time_newest_first(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    for n in range(6):
        await _one_result(bot, telegram, user, f"picture number {n}", n + 1)
    await user.send("/menu")
    await user.click("История")
    page = user.last_text()
    assert "1 из 2" in page and page.count("Z-Image") == 5
    await user.click("Старше »")
    assert "2 из 2" in user.last_text() and user.last_text().count("Z-Image") == 1
    await user.click("« Новее")
    assert "1 из 2" in user.last_text()


async def test_new_variation_asks_only_the_prompt(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    await _one_result(bot, telegram, user, "a red boat")
    await user.click("🎲 Новая вариация")
    assert "a red boat" in user.last_text()  # the current value is shown
    await user.send("a blue boat")
    assert "Проверьте параметры" in user.last_text()
    await user.click(CONFIRM)
    await delivered(telegram, user, 2)
    second, first = await jobs_of(bot, user)
    assert second.payload["prompt"] == "a blue boat"
    assert {k: v for k, v in second.payload.items() if k != "prompt"} == {
        k: v for k, v in first.payload.items() if k != "prompt"
    }


async def test_a_result_becomes_the_input_of_another_model(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(ADMIN)
    await _one_result(bot, telegram, user, "a portrait on a busy street")
    await user.click("🧩 Использовать в другой модели")
    assert "Recraft" in " ".join(user.buttons())
    await user.click("Recraft · удаление фона")
    assert CONFIRM in " ".join(user.buttons())
    await user.click(CONFIRM)
    await delivered(telegram, user, 2)
    second, first = await jobs_of(bot, user)
    assert second.model_id == "recraft/remove-background"
    assert second.payload["image"] == first.result_urls[0]


# --- restarts --------------------------------------------------------------------------------


async def test_a_restart_mid_conversation_resumes_the_same_step(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    user = telegram.user(ADMIN)
    async with started(telegram, tmp_path):
        await user.send("/model seedream/4.5-edit")
        await user.send_photo(tiny_png())
        assert "Шаг 2 из 2" in user.last_text()
        _message, old_back = user.find_button("« Назад")
    async with started(telegram, tmp_path):
        await user.send("a fox after the restart")
        assert "Проверьте параметры" in user.last_text()
        await user.press_data(old_back)  # a button from before the restart still works
        assert "Шаг 2 из 2" in user.last_text()


async def test_a_job_in_flight_can_be_cancelled_after_a_restart(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    user = telegram.user(ADMIN)
    async with started(telegram, tmp_path):
        await user.send("/model z-image")
        await user.send("a fox sandbox:slow")
        await user.click(CONFIRM)
        await telegram.wait_for(lambda: "⛔ Отменить" in str(user.chat()), timeout=10)
    async with started(telegram, tmp_path) as app:
        await user.click("⛔ Отменить")
        assert "Генерация отменена" in user.last_text()
        (job,) = await jobs_of(app, user)
        assert job.state is JobState.CANCELLED
        assert "⛔ Отменено" in progress_messages(user)[0]["text"]
