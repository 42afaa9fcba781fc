"""Follow-ups through the real bot and the sandbox KIE: a generation, then a button on its
result (or its /history entry), the follow-up's confirm with the parent filled in, a result.

One bot serves the module; every test has its own user, who buys units and pays for the
parent and the follow-up like anyone (no admin, no free uses): each first tops up with
Telegram Stars through the payment flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiogram.fsm.storage.base import StorageKey
from aiohttp import web
from journey_kit import STARS_UNITS, top_up_with_stars
from kit import FakeTelegram, FakeUser
from kit.ports import free_port

from kiegram.app import App, build_app
from kiegram.bot.callbacks import JobAct, Wz
from kiegram.catalog import ModelSpec, load_catalog
from kiegram.catalog.followups import is_followup, parents_of
from kiegram.jobs import Job, JobState
from kiegram.sandbox.media import tiny_mp3
from kiegram.settings import Settings
from kiegram.wizard import Action, ExpectKind, ScreenKind, View, Wizard

pytestmark = pytest.mark.asyncio(loop_scope="module")

ADMIN = 999
DONE = "✅ Готово! Что дальше?"
FOLLOWUPS = [s for s in load_catalog().usable() if is_followup(s)]


def _chain(spec: ModelSpec) -> list[str]:
    """The generations that make the follow-up's parent: a first one that is no follow-up,
    then each follow-up on the one before (a segment edit needs a segment map of an image)."""
    catalog, accepted = load_catalog(), parents_of(spec)
    ref = spec.task_refs[0].parent
    assert ref is not None
    direct = [m for m in ref.models if m in accepted]
    first = next((m for m in direct if not is_followup(catalog.get(m))), None)  # type: ignore[arg-type]
    if first is not None:
        return [first]
    parent = catalog.get(direct[0])
    assert parent is not None
    return [*_chain(parent), parent.id]


CHAIN_OF = {s.id: _chain(s) for s in FOLLOWUPS}
# Parent answers a follow-up needs (the first answers make a Suno instrumental, which has no
# lyrics, and a Midjourney grid, not a video).
# Numbers typed where the smallest allowed one does not fit (a section's end comes 6-60 s
# after its start, which is answered with its minimum, 0).
NUMBERS = {"infillEndS": "20"}
PARENT_ANSWERS: dict[str, dict[str, int | str]] = {
    "suno-timestamped-lyrics": {"instrumental": 0},
    "mj-video-extend": {"taskType": 4},  # a Midjourney video (option 4: mj_video)
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[App, FakeTelegram]]:
    telegram = FakeTelegram()
    await telegram.start()
    port = free_port()
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        data_dir=Path(tmp_path_factory.mktemp("followups")),
        http_host="127.0.0.1",
        http_port=port,
        public_url=f"http://127.0.0.1:{port}",
        admin_ids=(ADMIN,),
        free_daily_generations=0,
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
    yield app, telegram
    await app.dp.stop_polling()
    await polling
    poller.cancel()
    await app.aclose()
    await telegram.stop()


async def funded(app: App, telegram: FakeTelegram, user_id: int) -> FakeUser:
    """A new user who tops up with Telegram Stars first (the 5000-unit pack)."""
    user = telegram.user(user_id)
    await top_up_with_stars(telegram, user)
    assert await balance(app, user) == STARS_UNITS
    return user


async def balance(app: App, user: FakeUser) -> int:
    return int((await app.desk.ledger.account(user.id)).balance)


async def wizard_of(app: App, user: FakeUser) -> tuple[dict[str, Any] | None, str]:
    key = StorageKey(bot_id=app.bot.id, chat_id=user.id, user_id=user.id)
    data = await app.dp.storage.get_data(key)
    return data.get("wz"), str(data.get("sid", ""))


async def press(user: FakeUser, sid: str, action: Action, arg: int | str | None = None) -> None:
    await user.press_data(Wz(a=action.value, i="" if arg is None else str(arg), s=sid).pack())


async def answer(
    user: FakeUser, view: View, sid: str, prefer: Mapping[str, int | str] | None = None
) -> None:
    """Answer a screen with text, the first option (or the one `prefer` names), Next or
    Confirm."""
    if view.kind is ScreenKind.SETTINGS:
        await press(user, sid, Action.DONE)
        return
    if view.kind is ScreenKind.CONFIRM:
        await press(user, sid, Action.CONFIRM)
        return
    expect = view.expect
    first = view.rows[0][0] if view.rows and view.rows[0] else None
    if expect.kind is ExpectKind.MEDIA and view.field == "uploadUrl":
        await user.send_file("audio", tiny_mp3(), "audio/mpeg")  # Suno on the user's track
    elif expect.kind is ExpectKind.MEDIA:
        await press(user, sid, Action.SKIP)  # the other parents are made from text alone
    elif expect.kind is ExpectKind.TEXT:
        text = "a red fox in the snow at dawn, soft light"
        await user.send(text[: expect.max_length or len(text)])
    elif first is not None and first.action in (Action.OPTION, Action.BOOL):
        chosen = (prefer or {}).get(view.field, first.arg)
        await press(user, sid, first.action, chosen)
    else:
        await user.send(NUMBERS.get(view.field, str(int(expect.minimum or 1))))


async def confirm_wizard(
    app: App, user: FakeUser, prefer: Mapping[str, int | str] | None = None
) -> None:
    """Answer every screen of the open wizard up to its confirm press."""
    wizard: Wizard = app.dp["wizard"]
    for _ in range(30):
        state, sid = await wizard_of(app, user)
        if state is None:
            return
        await answer(user, wizard.view(state), sid, prefer)
        refusals = [m["text"] for m in user.chat() if "⚠️" in str(m.get("text"))]
        assert not refusals, refusals
    raise AssertionError("the wizard never ended")


def done_count(user: FakeUser) -> int:
    return sum(1 for m in user.chat() if m.get("text") == DONE)


async def finished(app: App, user: FakeUser, count: int) -> list[Job]:
    """The user's jobs, newest first, once `count` of them are delivered and none runs."""
    for _ in range(400):
        jobs = list(await app.dp["history"].page(user.id, 0, 50))
        if len(jobs) >= count and all(j.state.final for j in jobs):
            return jobs
        await asyncio.sleep(0.05)
    raise AssertionError(f"jobs still in flight: {[(j.model_id, j.state) for j in jobs]}")


async def generate(
    app: App,
    telegram: FakeTelegram,
    user: FakeUser,
    model: str,
    prefer: Mapping[str, int | str] | None = None,
) -> Job:
    """A delivered generation of `model` (the parent of a follow-up)."""
    before = done_count(user)
    await user.send(f"/model {model}")
    await confirm_wizard(app, user, prefer)
    await telegram.wait_for(lambda: done_count(user) > before, timeout=30)
    job = (await finished(app, user, 1))[0]
    assert job.state is JobState.DELIVERED, (job.model_id, job.error_message)
    return job


def followup_data(user: FakeUser, spec: ModelSpec, item: int = 0) -> str:
    """The callback data of a follow-up's button under the newest result offering it."""
    wanted = f":f{spec.code}.{item}:"
    for message in reversed(user.chat()):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        for row in rows:
            for button in row:
                if wanted in str(button.get("callback_data")):
                    return str(button["callback_data"])
    raise AssertionError(f"no button for {spec.id}; last buttons: {user.buttons()}")


async def run_followup(
    app: App, telegram: FakeTelegram, user: FakeUser, data: str, jobs: int = 2
) -> Job:
    """Press a follow-up button, confirm, and return its delivered job (the user's `jobs`th)."""
    before = done_count(user)
    await user.press_data(data)
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) > before, timeout=30)
    return (await finished(app, user, jobs))[0]


def sent(telegram: FakeTelegram, user: FakeUser, method: str) -> list[Any]:
    return [
        c
        for c in telegram.calls
        if c.method == method and str(c.params.get("chat_id")) == str(user.id)
    ]


async def test_a_midjourney_grid_offers_u1_to_v4_and_u2_delivers_the_upscaled_image(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8101)
    grid = await generate(app, telegram, user, "midjourney")
    assert len(grid.result_urls) == 4
    buttons = user.buttons()
    assert {f"🔼 U{n}" for n in range(1, 5)} <= set(buttons)
    assert {f"🎲 V{n}" for n in range(1, 5)} <= set(buttons)
    before = await balance(app, user)
    photos_before = len(sent(telegram, user, "sendphoto"))
    await user.click("🔼 U2")
    assert "Midjourney · увеличение" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    upscale = (await finished(app, user, 2))[0]
    assert upscale.model_id == "mj-upscale" and upscale.state is JobState.DELIVERED
    assert upscale.payload == {"taskId": grid.task_id, "imageIndex": 1}
    assert len(upscale.result_urls) == 1
    assert len(sent(telegram, user, "sendphoto")) == photos_before + 1
    price = app.desk.rules.price_for(load_catalog().get("mj-upscale"), upscale.payload)  # type: ignore[arg-type]
    assert upscale.cost == Decimal(price) and before - await balance(app, user) == price


async def test_a_suno_track_is_extended_with_its_own_audio_id_and_version(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8102)
    song = await generate(app, telegram, user, "suno")
    assert len(song.result_ids) == 2 and len(song.result_urls) == 2
    assert {"➕ Продлить 1", "➕ Продлить 2"} <= set(user.buttons())
    await user.click("➕ Продлить 2")
    assert "Suno · продолжение трека" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    extended = (await finished(app, user, 2))[0]
    assert extended.model_id == "suno-extend" and extended.state is JobState.DELIVERED
    assert extended.payload["audioId"] == song.result_ids[1]
    assert extended.payload["model"] == song.payload["model"]
    assert extended.payload["defaultParamFlag"] is False
    assert sent(telegram, user, "sendaudio")


async def test_a_veo_video_gets_its_1080p_version(bot: tuple[App, FakeTelegram]) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8103)
    video = await generate(app, telegram, user, "veo3.1")
    videos_before = len(sent(telegram, user, "sendvideo"))
    await user.click("📺 1080p")
    assert "Veo 3.1 · 1080p" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    hd = (await finished(app, user, 2))[0]
    assert hd.model_id == "veo3.1-1080p" and hd.state is JobState.DELIVERED
    assert hd.payload == {"taskId": video.task_id, "index": 0}
    assert hd.task_id is not None and hd.task_id.startswith("repeat-")
    assert len(sent(telegram, user, "sendvideo")) == videos_before + 1


async def test_a_grok_video_is_extended_from_history(bot: tuple[App, FakeTelegram]) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8104)
    video = await generate(app, telegram, user, "grok-imagine/text-to-video")
    await user.send("/history")
    await user.click("✨ 1")
    assert "Что сделать с этим результатом" in user.last_text()
    await user.click("➕ Продлить")
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    extended = (await finished(app, user, 2))[0]
    assert extended.model_id == "grok-imagine/extend" and extended.state is JobState.DELIVERED
    assert extended.payload["task_id"] == video.task_id


async def test_a_grok_image_is_split_into_regions_for_free_and_one_region_is_edited(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8108)
    image = await generate(app, telegram, user, "grok-imagine-image-2-0/text-to-image")
    assert "🧩 Области картинки" in user.buttons()
    before = await balance(app, user)
    photos_before = len(sent(telegram, user, "sendphoto")) + len(
        sent(telegram, user, "sendmediagroup")
    )
    await user.click("🧩 Области картинки")
    assert "Grok Imagine 2.0 · области картинки" in user.last_text()
    assert "бесплатно" in user.last_text().lower()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    regions = (await finished(app, user, 2))[0]
    assert regions.model_id == "grok-imagine-image-2-0/segment-map"
    assert regions.state is JobState.DELIVERED and regions.payload == {"task_id": image.task_id}
    assert regions.result_ids == ("0", "1", "2") and len(regions.result_urls) == 3
    assert await balance(app, user) == before  # the map is free
    masks = sent(telegram, user, "sendphoto") + sent(telegram, user, "sendmediagroup")
    assert len(masks) > photos_before
    # One edit button per region, named as KIE named it; never a typed index.
    edits = ["✏️ Изменить 1 · background", "✏️ Изменить 2 · white cat", "✏️ Изменить 3 · wooden table"]
    assert set(edits) <= set(user.buttons())
    await user.click("✏️ Изменить 2 · white cat")
    assert "Grok Imagine 2.0 · правка области" in user.last_text()
    await user.send("a red velvet bow")
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 3, timeout=30)
    edit = (await finished(app, user, 3))[0]
    assert edit.model_id == "grok-imagine-image-2-0/segment-edit", edit.error_message
    assert edit.state is JobState.DELIVERED, edit.error_message
    assert edit.payload == {
        "task_id": image.task_id,
        "mask_indexs": [1],
        "prompt": "a red velvet bow",
    }
    # 4 KIE credits, like the image itself: the same units as the Grok Image 2.0 generation.
    catalog = load_catalog()
    price = app.desk.rules.price_for(catalog.get(edit.model_id), edit.payload)  # type: ignore[arg-type]
    assert price == image.cost and before - await balance(app, user) == price
    # The edited image can be split again for the next edit.
    assert "🧩 Области картинки" in user.buttons()


async def test_a_followup_from_the_menu_lists_the_users_own_results(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8105)
    await user.send("/model grok-imagine_upscale")
    assert "Сначала создайте его" in user.last_text() and "Grok Imagine" in user.last_text()
    video = await generate(app, telegram, user, "grok-imagine/text-to-video")
    await user.send("/model grok-imagine_upscale")
    assert "Какой результат взять" in user.last_text()
    await user.click("Grok Imagine")
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    upscaled = (await finished(app, user, 2))[0]
    assert upscaled.payload == {"task_id": video.task_id}


async def test_someone_elses_result_cannot_be_continued(bot: tuple[App, FakeTelegram]) -> None:
    app, telegram = bot
    owner = await funded(app, telegram, 8106)
    video = await generate(app, telegram, owner, "grok-imagine/text-to-video")
    stranger = await funded(app, telegram, 8107)
    await stranger.press_data(JobAct(a="fgrok-imagine_upscale.0", job=video.id).pack())
    assert "Эта генерация не найдена" in stranger.last_text()
    assert await balance(app, stranger) == STARS_UNITS


def texts(user: FakeUser) -> list[str]:
    return [str(m.get("text") or "") for m in user.chat()]


async def test_suno_lyrics_come_as_one_message_per_take_with_its_title(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8111)
    job = await generate(app, telegram, user, "suno-lyrics")
    assert job.payload == {"prompt": "a red fox in the snow at dawn, soft light"}
    takes = [t for t in texts(user) if t.startswith("🎵 ")]
    tail = (job.task_id or "")[-6:]
    assert [t.split("\n")[0] for t in takes] == [
        f"🎵 Night City ({tail})",
        f"🎵 After the Rain ({tail})",
    ]
    assert all("[Verse]" in t and "[Chorus]" in t and "a red fox" in t for t in takes)
    price = app.desk.rules.price_for(load_catalog().get("suno-lyrics"), job.payload)  # type: ignore[arg-type]
    assert price and STARS_UNITS - await balance(app, user) == price
    # The next step: a song to these lyrics, Suno in custom mode with the words and title.
    assert {"🎤 Песня на эти слова 1", "🎤 Песня на эти слова 2"} <= set(user.buttons())
    await user.click("🎤 Песня на эти слова 2")
    state, _sid = await wizard_of(app, user)
    assert state is not None and state["model"] == "suno"
    words = takes[1].split("\n", 2)[2]
    assert state["values"] == {
        "customMode": True,
        "instrumental": False,
        "prompt": words,
        "title": f"After the Rain ({tail})",
    }
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    song = (await finished(app, user, 2))[0]
    assert song.model_id == "suno" and song.state is JobState.DELIVERED
    assert song.payload["prompt"] == words and song.payload["customMode"] is True


async def test_timed_lyrics_of_a_sung_track_come_line_by_line(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8109)
    song = await generate(app, telegram, user, "suno", {"instrumental": 0})
    assert song.payload["instrumental"] is False
    await user.click("🕒 Текст по секундам 2")
    assert "Suno · текст с таймингом" in user.last_text()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    job = (await finished(app, user, 2))[0]
    assert job.model_id == "suno-timestamped-lyrics" and job.state is JobState.DELIVERED
    assert job.payload == {"taskId": song.task_id, "audioId": song.result_ids[1]}
    timed = next(t for t in texts(user) if t.startswith("[Verse]"))
    assert timed.split("\n") == [
        "[Verse]",
        "0:01  City lights are calling",
        "0:08  I walk alone",
        "[Chorus]",
        "0:12  Sing",
    ]


async def test_an_instrumental_offers_no_timed_lyrics_but_the_other_suno_actions(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8110)
    song = await generate(app, telegram, user, "suno")  # the first answers: an instrumental
    assert song.payload["instrumental"] is True
    buttons = user.buttons()
    assert not [b for b in buttons if b.startswith("🕒")], buttons
    assert {"➕ Продлить 1", "💾 WAV 1", "✂️ Заменить участок 1"} <= set(buttons)
    # Nor from the menu's pick of the user's own results: the instrumental is not listed.
    await user.send("/model suno-timestamps")
    assert "Сначала создайте его" in user.last_text()


@pytest.mark.parametrize("spec", FOLLOWUPS, ids=[s.id for s in FOLLOWUPS])
async def test_every_followup_is_delivered_and_charged_its_price_once(
    bot: tuple[App, FakeTelegram], spec: ModelSpec
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8200 + FOLLOWUPS.index(spec))
    first, *between = CHAIN_OF[spec.id]
    await generate(app, telegram, user, first, PARENT_ANSWERS.get(spec.id))
    catalog = load_catalog()
    for number, model in enumerate(between, start=2):
        step = catalog.get(model)
        assert step is not None
        made = await run_followup(app, telegram, user, followup_data(user, step), number)
        assert made.model_id == model and made.state is JobState.DELIVERED, made.error_message
    before = await balance(app, user)
    job = await run_followup(
        app, telegram, user, followup_data(user, spec), len(CHAIN_OF[spec.id]) + 1
    )
    assert job.model_id == spec.id and job.state is JobState.DELIVERED, job.error_message
    price = app.desk.rules.price_for(spec, job.payload)
    assert price is not None and job.cost == Decimal(price)
    assert before - await balance(app, user) == price


def refusal(user: FakeUser) -> str:
    """The newest refusal the bot sent."""
    return next(t for t in reversed(texts(user)) if t.startswith("⚠️"))


async def answer_rest(app: App, user: FakeUser) -> None:
    """Answer the open wizard to its confirm press (refusals seen before are allowed)."""
    wizard: Wizard = app.dp["wizard"]
    for _ in range(30):
        state, sid = await wizard_of(app, user)
        if state is None:
            return
        await answer(user, wizard.view(state), sid)
    raise AssertionError("the wizard never ended")


UPLOADS = ["suno-upload-cover", "suno-upload-extend"]


@pytest.mark.parametrize("model", UPLOADS)
async def test_a_track_made_from_the_users_audio_offers_the_suno_actions(
    bot: tuple[App, FakeTelegram], model: str
) -> None:
    app, telegram = bot
    user = await funded(
        app, telegram, 8120 + ["suno-upload-cover", "suno-upload-extend"].index(model)
    )
    track = await generate(app, telegram, user, model, {"instrumental": 0})
    assert track.payload["instrumental"] is False and len(track.result_ids) == 2
    wanted = {
        "➕ Продлить 2",
        "🎤 Кавер 2",
        "💾 WAV 2",
        "🎚 Разделить 2",
        "🎬 Видео 2",
        "🕒 Текст по секундам 2",
        "✂️ Заменить участок 2",
    }
    assert wanted <= set(user.buttons()), user.buttons()
    await user.click("💾 WAV 2")
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    wav = (await finished(app, user, 2))[0]
    assert wav.model_id == "suno-wav" and wav.state is JobState.DELIVERED, wav.error_message
    assert wav.payload == {"taskId": track.task_id, "audioId": track.result_ids[1]}


async def test_a_section_of_a_track_is_replaced_between_a_start_and_an_end_that_fit(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8125)
    song = await generate(app, telegram, user, "suno", {"instrumental": 0})
    before = await balance(app, user)
    assert song.result_seconds == (100.0, 100.0)  # the sandbox's tracks, as record-info says
    await user.click("✂️ Заменить участок 1")
    assert "Suno · замена участка" in user.last_text()
    await user.send("120")  # beyond the track
    assert "трек длится 100 секунд, а сейчас 120" in refusal(user)
    await user.send("30")
    await user.send("20")  # before the start
    assert "хотя бы на 6 секунд" in refusal(user) and "сейчас 20" in refusal(user)
    await user.send("33")  # too short a section
    assert "хотя бы на 6 секунд, а сейчас 33" in refusal(user)
    await user.send("95.5")  # too long a section
    assert "не длиннее 60 секунд" in refusal(user) and "95,5" in refusal(user)
    await user.send("85")  # over half the track (KIE: at most 50% of its length)
    assert "не больше 50% трека (100 с) — участок до 50 с" in refusal(user)
    await user.send("45.25")
    await answer_rest(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    job = (await finished(app, user, 2))[0]
    assert job.model_id == "suno-replace-section" and job.state is JobState.DELIVERED, (
        job.error_message
    )
    assert job.payload["taskId"] == song.task_id and job.payload["audioId"] == song.result_ids[0]
    assert (job.payload["infillStartS"], job.payload["infillEndS"]) == (30, 45.25)
    # KIE's feed: 'Suno, Replace Music Section' 5 credits a request, quoted like any price.
    price = app.desk.rules.price_for(load_catalog().get("suno-replace-section"), job.payload)  # type: ignore[arg-type]
    assert price and job.cost == Decimal(price) and before - await balance(app, user) == price
    assert sent(telegram, user, "sendaudio")


async def test_a_suno_track_gets_free_cover_art_as_two_pictures(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8126)
    song = await generate(app, telegram, user, "suno")
    before = await balance(app, user)
    photos = len(sent(telegram, user, "sendphoto")) + len(sent(telegram, user, "sendmediagroup"))
    assert "🖼 Обложка" in user.buttons()  # one for the whole task, not one per track
    await user.click("🖼 Обложка")
    assert "Suno · обложка трека" in user.last_text() and "бесплатно" in user.last_text().lower()
    await confirm_wizard(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    art = (await finished(app, user, 2))[0]
    assert art.model_id == "suno-cover-image" and art.state is JobState.DELIVERED
    assert art.payload == {"taskId": song.task_id} and len(art.result_urls) == 2
    assert await balance(app, user) == before  # KIE's feed: 0 credits
    shown = len(sent(telegram, user, "sendphoto")) + len(sent(telegram, user, "sendmediagroup"))
    assert shown > photos


async def test_a_persona_is_made_from_a_track_for_free_and_its_id_comes_as_text(
    bot: tuple[App, FakeTelegram],
) -> None:
    app, telegram = bot
    user = await funded(app, telegram, 8127)
    song = await generate(app, telegram, user, "suno", {"instrumental": 0})
    before = await balance(app, user)
    await user.click("🎭 Персона 2")
    assert "Suno · персона из трека" in user.last_text()
    await user.send("Night pop vocals")
    await user.send("soft female vocals, electropop, synths")
    await answer_rest(app, user)
    await telegram.wait_for(lambda: done_count(user) == 2, timeout=30)
    job = (await finished(app, user, 2))[0]
    assert job.model_id == "suno-persona" and job.state is JobState.DELIVERED, job.error_message
    assert job.payload == {
        "taskId": song.task_id,
        "audioId": song.result_ids[1],
        "name": "Night pop vocals",
        "description": "soft female vocals, electropop, synths",
    }
    said = next(t for t in texts(user) if t.startswith("🎭 "))
    assert said == f"🎭 Night pop vocals\npersonaId: persona-{song.result_ids[1]}"
    assert await balance(app, user) == before  # KIE's feed: 0 credits
