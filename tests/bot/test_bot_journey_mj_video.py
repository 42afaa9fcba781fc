"""A Midjourney video through the real bot and the sandbox KIE: the model's `outputs` rule makes
an mj_video task deliver videos (not photos), and the video's own follow-up is still offered.

The user tops up with Telegram Stars first and pays for both generations like anyone.
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
from kiegram.catalog import OutputKind, load_catalog
from kiegram.jobs import JobState

pytestmark = pytest.mark.asyncio(loop_scope="module")

__all__ = ["bot"]  # the module's bot fixture, shared with the follow-up journeys

MJ_VIDEO = {"taskType": 4}  # option 4 of Midjourney's task type: mj_video


async def test_a_midjourney_video_is_delivered_as_a_video_and_offers_its_extend(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8301)
    photos_before = len(sent(telegram, user, "sendphoto"))
    video = await generate(app, telegram, user, "midjourney", MJ_VIDEO)
    assert video.payload["taskType"] == "mj_video"
    assert video.output == OutputKind.VIDEO.value and len(video.result_urls) == 1
    assert video.result_urls[0].endswith(".mp4")
    assert len(sent(telegram, user, "sendvideo")) == 1
    assert len(sent(telegram, user, "sendphoto")) == photos_before  # no grid of stills
    # A video's follow-up is there; the grid's upscale and vary are not.
    buttons = user.buttons()
    extend = next(b for b in buttons if "Продлить" in b)
    assert not any(b.startswith(("🔼 U", "🎲 V")) for b in buttons)
    before = await balance(app, user)
    await user.click(extend)
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    longer = (await finished(app, user, 2))[0]
    assert longer.model_id == "mj-video-extend" and longer.state is JobState.DELIVERED
    assert longer.payload["taskId"] == video.task_id
    assert longer.output == OutputKind.VIDEO.value
    assert len(sent(telegram, user, "sendvideo")) == 2
    spec = load_catalog().get("mj-video-extend")
    assert spec is not None
    price = app.desk.rules.price_for(spec, longer.payload)
    assert price is not None and before - await balance(app, user) == Decimal(price)


async def test_a_midjourney_grid_is_still_delivered_as_images(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8302)
    grid = await generate(app, telegram, user, "midjourney")
    assert grid.payload["taskType"] == "mj_txt2img"
    assert grid.output == OutputKind.IMAGE.value and len(grid.result_urls) == 4
    assert not sent(telegram, user, "sendvideo")
