"""Gemini Omni's character through the real bot and the sandbox KIE: a free voice, the
"🧑 Character with this voice" button under it, a free character made from the user's photo
with that voice's id in `audio_ids`, then the "🎬 Video with this character" button under the
character opens a Gemini Omni video with the character's id in `character_ids` (never typed),
which the sandbox checks against the characters it registered.

The user tops up with Telegram Stars first and pays for the video like anyone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from kit import FakeTelegram, FakeUser
from test_bot_journey_followups import (
    Action,
    ExpectKind,
    Wizard,
    answer,
    balance,
    bot,
    confirm_wizard,
    done_count,
    finished,
    funded,
    generate,
    press,
    sent,
    wizard_of,
)

from kiegram.app import App
from kiegram.catalog import load_catalog
from kiegram.jobs import Job, JobState
from kiegram.sandbox.media import tiny_png

pytestmark = pytest.mark.asyncio(loop_scope="module")

__all__ = ["bot"]  # the module's bot fixture, shared with the follow-up journeys

CHARACTER_BUTTON = "🧑 Персонаж с этим голосом"
VIDEO_BUTTON = "🎬 Видео с этим персонажем"
VOICE_VIDEO_BUTTON = "🎬 Видео с этим голосом"


async def character_wizard(app: App, user: FakeUser) -> None:
    """Answer the open character wizard: one portrait, then the description, then confirm."""
    wizard: Wizard = app.dp["wizard"]
    photos = 0
    for _ in range(20):
        state, sid = await wizard_of(app, user)
        if state is None:
            return
        view = wizard.view(state)
        if view.expect.kind is ExpectKind.MEDIA and photos == 0:
            await user.send_photo(tiny_png())
            photos += 1
        elif view.expect.kind is ExpectKind.MEDIA:
            await press(user, sid, Action.SKIP)  # no full-length photo
        else:
            await answer(user, view, sid)
    raise AssertionError("the wizard never ended")


async def character_of(app: App, telegram: FakeTelegram, user: FakeUser, count: int) -> Job:
    await character_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == count, timeout=30)
    job = (await finished(app, user, count))[0]
    assert job.model_id == "gemini-omni-character", job.error_message
    assert job.state is JobState.DELIVERED, job.error_message
    return job


async def test_a_voice_a_character_with_it_and_a_video_with_the_character(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8501)
    before = await balance(app, user)
    voice = await generate(app, telegram, user, "gemini-omni-audio")
    assert CHARACTER_BUTTON in user.buttons() and VOICE_VIDEO_BUTTON in user.buttons()
    await user.click(CHARACTER_BUTTON)
    assert "Gemini Omni · персонаж для видео" in user.last_text()
    character = await character_of(app, telegram, user, 2)
    assert character.payload["audio_ids"] == [voice.result_ids[0]]
    assert len(character.payload["image_urls"]) == 1 and character.payload["descriptions"]
    assert len(character.result_ids) == 1 and character.result_ids[0] in str(user.chat())
    assert await balance(app, user) == before  # the voice and the character are free
    assert VIDEO_BUTTON in user.buttons() and VOICE_VIDEO_BUTTON not in user.buttons()
    await user.click(VIDEO_BUTTON)
    assert "Gemini Omni · видео" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 3, timeout=30)
    video = (await finished(app, user, 3))[0]
    assert video.model_id == "gemini-omni-video", video.error_message
    assert video.state is JobState.DELIVERED, video.error_message
    assert video.payload["character_ids"] == [character.result_ids[0]]
    assert "audio_ids" not in video.payload  # the voice is the character's own
    assert sent(telegram, user, "sendvideo")
    spec = load_catalog().get("gemini-omni-video")
    assert spec is not None
    price = app.desk.rules.price_for(spec, video.payload)
    assert price is not None and before - await balance(app, user) == Decimal(price)


async def test_a_character_from_the_menu_sends_no_voice(bot: tuple[App, FakeTelegram]) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8502)
    await user.send("/model gemini-omni-character")
    character = await character_of(app, telegram, user, 1)
    assert "audio_ids" not in character.payload
    assert VIDEO_BUTTON in user.buttons()
