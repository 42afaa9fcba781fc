"""A bad-input corpus through the whole bot: clear answers, no crash, no charge, nothing lost."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from drill_kit import CONFIRM, crashes, fund, jobs_of, money, raw_html, sent, texts, wait_final
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call

from kiegram.app import App

Running = tuple[App, FakeTelegram]
CYRILLIC = re.compile("[а-яА-ЯёЁ]")
HTML = '<script>alert("x")</script> <b>bold</b> & <i>'
FUNDS = 100


@dataclass
class Drill:
    """One user probing the bot, and what must still hold afterwards."""

    app: App
    telegram: FakeTelegram
    user: FakeUser
    caplog: pytest.LogCaptureFixture

    async def send(self, text: str) -> list[Call]:
        """Send text; returns the bot's calls."""
        return await self.user.send(text)

    def replies(self, calls: list[Call]) -> list[str]:
        """Texts the bot sent to this user among `calls`."""
        chat = str(self.user.id)
        return [
            str(c.params.get("text") or c.params.get("caption") or "")
            for c in calls
            if c.method.startswith(("send", "edit")) and str(c.params.get("chat_id")) == chat
        ]

    def refusal(self, calls: list[Call]) -> str:
        """The one warning (⚠️) the bot answered with, in the user's language."""
        warnings = [t for t in self.replies(calls) if t.startswith("⚠️")]
        assert len(warnings) == 1, self.replies(calls)
        in_russian = bool(CYRILLIC.search(warnings[0]))
        assert in_russian == (self.user.language_code == "ru"), warnings[0]
        return warnings[0]

    def next_word(self) -> str:
        """The "Next" button's text in the user's language."""
        return "Далее" if self.user.language_code == "ru" else "Continue"

    async def to_confirm(self) -> None:
        """Accept defaults until the confirm screen shows."""
        for _ in range(8):
            if any("Запустить" in b or "Start generation" in b for b in self.user.buttons()):
                return
            await self.user.click(self.next_word())
        raise AssertionError(self.user.buttons())

    async def album_refusal(self, images: list[bytes]) -> str:
        """Send an album and wait for its (single, delayed) refusal."""
        start = len(self.telegram.calls)
        await self.user.send_album(images)

        def warned() -> bool:
            return any(t.startswith("⚠️") for t in self.replies(self.telegram.calls[start:]))

        await self.telegram.wait_for(warned, timeout=5)
        return self.refusal(self.telegram.calls[start:])

    async def answers(self) -> dict[str, Any]:
        """The wizard's stored values for this user, read from the real FSM storage."""
        key = StorageKey(bot_id=self.app.bot.id, chat_id=self.user.id, user_id=self.user.id)
        data = await self.app.dp.storage.get_data(key)
        return dict((data.get("wz") or {}).get("values") or {})

    async def unharmed(self) -> None:
        """No crash, no charge, no job, no raw HTML sent."""
        assert not crashes(self.caplog)
        assert await money(self.app, self.user.id) == (FUNDS, 0, 0)
        assert await jobs_of(self.app, self.user.id) == []
        assert not raw_html(self.telegram.calls)


@pytest.fixture(params=["ru", "en"])
async def drill(
    running: Running, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> AsyncIterator[Drill]:
    app, telegram = running
    caplog.set_level(logging.WARNING)
    user = telegram.user(700, language_code=request.param)
    await fund(app, user.id, FUNDS)
    yield Drill(app, telegram, user, caplog)
    await Drill(app, telegram, user, caplog).unharmed()


async def test_prompts_at_and_over_the_limit(drill: Drill) -> None:
    await drill.send("/model z-image")
    over = drill.refusal(await drill.send("x" * 1001))
    assert "1000" in over and "1001" in over
    step = drill.user.last_text()
    at = await drill.send("y" * 1000)
    assert not [t for t in drill.replies(at) if t.startswith("⚠️")]
    assert drill.user.last_text() != step  # taken: the wizard moved on
    assert (await drill.answers())["prompt"] == "y" * 1000


@pytest.mark.parametrize(
    "blank",
    [" ", "   \n\t  ", "\u3000", "\u200b\u200b"],
)
async def test_empty_and_whitespace_prompts_are_refused(drill: Drill, blank: str) -> None:
    await drill.send("/model z-image")
    step = drill.user.last_text()
    drill.refusal(await drill.send(blank))
    assert drill.user.last_text() == step


@pytest.mark.parametrize(
    "prompt",
    ["🦊🔥 лиса в снегу 🏔️", "שועל אדום בשלג", "ثعلب أحمر في الثلج", "a\u202efox\u202c 👨‍👩‍👧"],
)
async def test_emoji_and_right_to_left_prompts_are_kept_exactly(drill: Drill, prompt: str) -> None:
    await drill.send("/model z-image")
    calls = await drill.send(prompt)
    assert not [t for t in drill.replies(calls) if t.startswith("⚠️")]
    assert (await drill.answers())["prompt"] == prompt.strip()
    await drill.to_confirm()


async def test_html_like_text_is_escaped_everywhere(drill: Drill) -> None:
    await drill.send(HTML)  # no wizard open
    await drill.send("/" + HTML)
    await drill.send("/model " + HTML)
    await drill.send("/model z-image")
    await drill.send(HTML)
    await drill.to_confirm()
    assert "&lt;script&gt;" in drill.user.last_text()
    calls = await drill.send(HTML)  # typed where buttons are expected
    drill.refusal(calls)
    await drill.send("/cancel")


async def test_html_prompt_is_escaped_through_generation_and_delivery(running: Running) -> None:
    app, telegram = running
    user = telegram.user(701)
    await user.send("/model z-image")
    await user.send(HTML)
    from drill_kit import confirm, wait_final

    await confirm(user)
    await wait_final(app, telegram, user.id)
    [job] = await jobs_of(app, user.id)
    assert job.state == "delivered" and job.payload["prompt"] == HTML  # nothing lost
    assert not raw_html(telegram.calls)
    assert any("&lt;script&gt;" in t for t in texts(telegram, user))


async def test_a_text_file_named_jpg_does_not_crash_the_wizard(drill: Drill) -> None:
    await drill.send("/model recraft/remove-background")
    calls = await drill.user.send_file("document", b"not an image", "image/jpeg", "x.jpg")
    # Telegram's mime type is all the bot knows before upload: the wizard takes it.
    assert drill.replies(calls)


async def test_a_text_file_named_jpg_fails_cleanly_and_costs_nothing(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(777)
    await fund(app, user.id, 50)
    before = await money(app, user.id)
    await user.send("/model recraft/remove-background")
    await user.send_file("document", b"not an image at all", "image/jpeg", "x.jpg")
    await user.click(CONFIRM)
    await wait_final(app, telegram, user.id, timeout=60)
    [job] = await jobs_of(app, user.id)
    assert job.state == "failed" and job.error_code == "media"
    assert await money(app, user.id) == before
    assert not sent(telegram, user, "sendPhoto")


async def test_oversized_files_are_refused(drill: Drill) -> None:
    await drill.send("/model recraft/remove-background")
    step = drill.user.last_text()
    big = drill.refusal(
        await drill.user.send_file("document", b"\xff" * (6 * 1024 * 1024), "image/png", "b.png")
    )
    assert "5" in big and "6" in big
    assert drill.user.last_text() == step


async def test_zero_byte_files_are_refused(drill: Drill) -> None:
    await drill.send("/model recraft/remove-background")
    drill.refusal(await drill.user.send_file("document", b"", "image/png", "empty.png"))
    drill.refusal(await drill.user.send_photo(b""))


async def test_wrong_media_kinds_are_refused(drill: Drill) -> None:
    await drill.send("/model recraft/remove-background")
    drill.refusal(await drill.user.send_file("voice", b"OggS voice", "audio/ogg"))
    drill.refusal(await drill.user.send_file("video", b"\x00\x00\x00\x18ftypmp4", "video/mp4"))
    drill.refusal(await drill.user.send_file("document", b"%PDF-1.4", "application/pdf", "a.pdf"))
    await drill.send("/model z-image")
    drill.refusal(await drill.user.send_photo(b"\x89PNG photo at a text step"))


async def test_albums_over_the_limit_are_refused(drill: Drill) -> None:
    await drill.send("/model nano-banana-pro")
    too_many = await drill.album_refusal([b"\x89PNG %d" % i for i in range(9)])
    assert "8" in too_many and "9" in too_many
    await drill.send("/model recraft/remove-background")
    await drill.album_refusal([b"\x89PNG a", b"\x89PNG b"])


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "w:ok::",
        "w:ok:0:ffffff",
        "w:zzz:0:ffffff",
        "g:no-such-model",
        "n:nowhere",
        "n:sec:99",
        "n:card:no-such-model",
        "j:c:0123456789abcdef0123456789abcdef",
        "l:xx",
        "",
    ],
)
async def test_forged_and_stale_callback_data_is_answered(drill: Drill, data: str) -> None:
    await drill.send("/model z-image")
    calls = await drill.user.press_data(data)
    assert any(c.method == "answercallbackquery" for c in calls)
    assert drill.replies(calls) or drill.user.buttons()


async def test_forged_presses_inside_a_live_session(drill: Drill) -> None:
    await drill.send("/model z-image")
    _message, data = drill.user.find_button("")
    sid = data.rsplit(":", 1)[-1]
    for forged in (f"w:ok::{sid}", f"w:opt:999:{sid}", f"w:set:-1:{sid}", f"w:num:x:{sid}"):
        calls = await drill.user.press_data(forged)
        assert drill.replies(calls), forged
    await drill.send("a fox after forged presses")
    assert not [m for m in drill.user.chat()[-1:] if str(m.get("text")).startswith("⚠️")]


async def test_unknown_commands_get_a_clear_answer(drill: Drill) -> None:
    for command in ("/foo", "/model", "/model no-such-model", "/START@other_bot", "/💥"):
        replies = drill.replies(await drill.send(command))
        assert replies, command
        assert bool(CYRILLIC.search(replies[-1])) == (drill.user.language_code == "ru")


async def test_another_users_job_cannot_be_touched(running: Running) -> None:
    app, telegram = running
    owner = telegram.user(702)
    await owner.send("/model z-image")
    await owner.send("the owner's fox")
    from drill_kit import confirm, wait_final

    await confirm(owner)
    await wait_final(app, telegram, owner.id)
    [job] = await jobs_of(app, owner.id)
    intruder = telegram.user(703)
    await intruder.send("/start")
    for action in ("c", "r", "v", "u", "u0"):
        await intruder.press_data(f"j:{action}:{job.id}")
    assert len(sent(telegram, owner, "sendPhoto")) == 1
    assert [j.state for j in await jobs_of(app, owner.id)] == ["delivered"]
    assert await jobs_of(app, intruder.id) == []
