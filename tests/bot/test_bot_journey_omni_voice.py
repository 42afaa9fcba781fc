"""Gemini Omni's voice through the real bot and the sandbox KIE: a free voice preset, then the
"🎬 Video with this voice" button under it opens a Gemini Omni video with the voice's id in
`audio_ids` (never typed), which the sandbox checks against the voices it registered.

The user tops up with Telegram Stars first and pays for the video like anyone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from kit import FakeTelegram
from test_bot_journey_followups import (
    balance,
    bot,
    confirm_wizard,
    done_count,
    finished,
    funded,
    generate,
    sent,
)

from kiegram.app import App
from kiegram.bot.callbacks import JobAct
from kiegram.catalog import load_catalog
from kiegram.jobs import JobState

pytestmark = pytest.mark.asyncio(loop_scope="module")

__all__ = ["bot"]  # the module's bot fixture, shared with the follow-up journeys

VIDEO_BUTTON = "🎬 Видео с этим голосом"


async def test_a_free_voice_offers_an_omni_video_that_speaks_in_it(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8401)
    before = await balance(app, user)
    voice = await generate(app, telegram, user, "gemini-omni-audio")
    assert voice.payload["audio_id"] == "achernar" and voice.payload["name"]
    assert len(voice.result_ids) == 1 and voice.result_ids[0] in (voice.result_text or "")
    assert await balance(app, user) == before  # the voice is free
    assert voice.result_ids[0] in str(user.chat())  # the id is shown with the voice's name
    assert VIDEO_BUTTON in user.buttons()
    await user.click(VIDEO_BUTTON)
    assert "Gemini Omni · видео" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    video = (await finished(app, user, 2))[0]
    assert video.model_id == "gemini-omni-video", video.error_message
    assert video.state is JobState.DELIVERED, video.error_message
    assert video.payload["audio_ids"] == [voice.result_ids[0]]
    assert sent(telegram, user, "sendvideo")
    spec = load_catalog().get("gemini-omni-video")
    assert spec is not None
    price = app.desk.rules.price_for(spec, video.payload)
    assert price is not None and before - await balance(app, user) == Decimal(price)


async def test_the_omni_video_from_the_menu_sends_no_voice(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8402)
    video = await generate(app, telegram, user, "gemini-omni-video")
    assert "audio_ids" not in video.payload and video.state is JobState.DELIVERED


async def test_a_voice_button_of_someone_else_is_refused(bot: tuple[App, FakeTelegram]) -> None:
    app, telegram = bot
    owner = await funded(app, telegram, 8403)
    voice = await generate(app, telegram, owner, "gemini-omni-audio")
    stranger = await funded(app, telegram, 8404)
    await stranger.press_data(JobAct(a="fgemini-omni-video.0", job=voice.id).pack())
    assert "Эта генерация не найдена" in stranger.last_text()
