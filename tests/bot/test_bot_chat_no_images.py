"""A chat model that does not take images (all of KIE's six do, so a catalog fixture stands
in): a photo sent to it is refused before anything is held or asked, and photos of earlier
turns stay out of its context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chat_kit import funded, money
from journey_kit import started
from kit import FakeTelegram

from kiegram.app import App
from kiegram.bot.chat_desk import ChatDesk
from kiegram.bot.chat_types import Question
from kiegram.catalog.chat_models import ChatModel, ChatModels, load_chat_models
from kiegram.storage.chat_history import SqlChatHistory

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT_ONLY = ChatModel.model_validate(
    {
        "id": "text-only-1",
        "name": {"ru": "Только текст", "en": "Text only"},
        "description": {"ru": "модель без зрения", "en": "a model without sight"},
        "input_per_m": "100",
        "output_per_m": "400",
        "context": 32000,
        "max_output": 1024,
        "images": False,
        "default": True,
    }
)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[App, FakeTelegram]]:
    telegram = FakeTelegram()
    await telegram.start()
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        vision = [dict(m.model_dump(), default=False) for m in load_chat_models()]
        app.dp["chat_models"] = ChatModels(
            [TEXT_ONLY, *(ChatModel.model_validate(m) for m in vision)]
        )
        yield app, telegram
    await telegram.stop()


async def test_a_photo_to_a_model_without_sight_is_refused_and_costs_nothing(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = telegram.user(931)
    await funded(app, user, 100)
    await user.send("/start")
    await user.click("💬 Чат")
    section = user.last_text()
    assert "<b>Только текст</b> —" in section  # no 🖼 mark beside it
    assert "<b>Claude Sonnet 4.5 🖼</b>" in section
    assert any(b.startswith("✓ Только текст") for b in user.buttons())

    await user.send_photo(JPEG, caption="Что на фото?")
    refusal = user.last_text()
    assert "<b>Только текст</b> не умеет смотреть фото" in refusal and "🖼" in refusal
    desk: ChatDesk = app.dp["chat_desk"]
    assert not desk.busy(user.id) and user.id not in desk.finished
    assert await money(app, user) == (100, 0)
    assert await SqlChatHistory(app.engine, 200).count(user.id) == 0


async def test_photos_of_earlier_turns_stay_out_of_a_blind_models_context(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, _telegram = bot
    desk: ChatDesk = app.dp["chat_desk"]
    photo = ("https://files.example/cat.jpg",)
    await desk.history.add(
        932,
        "conv",
        "claude-sonnet-4-5",
        [("user", "Кто это?", photo, 1104, 0), ("assistant", "Это кот.", (), 8, 1)],
    )
    models: ChatModels = app.dp["chat_models"]
    vision = models.get("claude-sonnet-4-5")
    assert vision is not None
    blind = await desk.context(Question(932, None, "ru", TEXT_ONLY, "conv", "А какого цвета?"))
    seeing = await desk.context(Question(932, None, "ru", vision, "conv", "А какого цвета?"))
    assert blind is not None and seeing is not None
    assert [m.content for m in blind[1:]] == ["Кто это?", "Это кот.", "А какого цвета?"]
    assert all(m.images == () for m in blind)  # the text stays, the photo does not
    assert seeing[1].images == photo
