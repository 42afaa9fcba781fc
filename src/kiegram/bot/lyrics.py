"""Suno lyrics, the natural next step: "a song to these lyrics" opens Suno in custom mode
with the take's words and title filled in (the version and style are still asked)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton

from kiegram.bot import keyboards
from kiegram.bot.callbacks import JobAct
from kiegram.bot.conversation import Conversation
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk, Outlook
from kiegram.bot.prefill import first_unfilled, state_at
from kiegram.catalog import Catalog
from kiegram.jobs import Job, JobState
from kiegram.kie.lyrics_status import PART_BREAK
from kiegram.wizard.view import ScreenKind

LYRICS_MODEL = "suno-lyrics"
SONG_MODEL = "suno"
TITLE_MARK = "🎵 "
TITLE_MAX = 80  # Suno's title limit (custom mode)
DONE_STATES = frozenset({JobState.SUCCEEDED, JobState.DELIVERED})  # buttons go out before DELIVERED


def takes(job: Job) -> list[tuple[str, str]]:
    """The (title, lyrics) takes of a delivered lyrics job; none for any other job."""
    if job.model_id != LYRICS_MODEL or job.state not in DONE_STATES:
        return []
    found = []
    for part in (job.result_text or "").split(PART_BREAK):
        head, _sep, rest = part.partition("\n")
        if head.startswith(TITLE_MARK):
            title, words = head.removeprefix(TITLE_MARK).strip(), rest.strip()
        else:
            title, words = "", part.strip()
        if words:
            found.append((title[:TITLE_MAX], words))
    return found


def rows(catalog: Catalog, job: Job, t: Callable[..., str]) -> list[list[InlineKeyboardButton]]:
    """One "a song to these lyrics" button per take (when Suno is offered)."""
    song = catalog.get(SONG_MODEL)
    found = takes(job)
    if song is None or not song.usable or not found:
        return []
    many = len(found) > 1
    buttons = [
        InlineKeyboardButton(
            text=t("lyrics.btn.song", n=str(i + 1) if many else "").strip(),
            callback_data=JobAct(a=f"L{i}", job=job.id).pack(),
        )
        for i in range(len(found))
    ]
    return [buttons[k : k + 2] for k in range(0, len(buttons), 2)]


async def start(
    job: Job, action: str, conv: Conversation, catalog: Catalog, desk: Desk, _: Text
) -> None:
    """Open Suno in custom mode with the take's lyrics and title; the rest is asked."""
    song = catalog.get(SONG_MODEL)
    found = takes(job)
    index = int(action[1:]) if action[1:].isdigit() else -1
    if song is None or not song.usable or not 0 <= index < len(found):
        await conv.bot.send_message(
            conv.chat_id, _("lyrics.gone"), reply_markup=keyboards.menu_only(_)
        )
        return
    title, words = found[index]
    values: dict[str, object] = {"customMode": True, "instrumental": False, "prompt": words}
    if title:
        values["title"] = title
    state = state_at(song, values, first_unfilled(song, values))
    outlook = Outlook()
    if state["screen"] == ScreenKind.CONFIRM.value:
        outlook = await desk.outlook(song, state["values"], job.user_id, conv.t)
    await conv.start_filled(state, outlook.text, outlook.rows)
