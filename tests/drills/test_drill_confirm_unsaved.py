"""A confirm never lost to a kill between the screen and the saved state (issue #26).

Two moments of the kill -9 drill, each cut at the exact point (an error standing for the
process dying there), then the press the user (or Telegram's retry) makes next:

- after the confirm screen reached the user, before the rest of its update was stored: the
  conversation state is stored before the screen goes out, so "Start" on it makes the job
  (it used to be refused as a stale button, no job made);
- after the confirm's job was stored, before its "queued" message went out: Telegram's
  retry of the press answers with the progress message (it used to return without a word).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from drill_kit import CONFIRM, PAID_MODEL, fund, jobs_of, money, sent, texts, walk_to_confirm
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.conversation import Conversation
from kiegram.errors import KiegramError
from kiegram.fsm.base import CachedStorage
from kiegram.wizard.view import ScreenKind, View

Running = tuple[App, FakeTelegram]
QUEUED = ("В очереди", "Задача принята")  # the confirm's answer (progress message or not)
STALE = "Эта кнопка"


class Died(KiegramError):
    """Stands for the process dying at the point a test chooses."""


def queued(telegram: FakeTelegram, user: FakeUser) -> list[str]:
    """The "queued" messages sent to the user (the progress message's edits not counted)."""
    said = (str(c.params.get("text") or "") for c in sent(telegram, user, "sendMessage"))
    return [t for t in said if any(q in t for q in QUEUED)]


async def test_start_on_a_confirm_screen_whose_update_was_cut_makes_the_job(
    running: Running,
) -> None:
    app, telegram = running
    user = telegram.user(741)
    await fund(app, user.id, 100)
    storage = app.dp.storage
    assert isinstance(storage, CachedStorage)
    put = storage.rows.put
    cut: list[Mapping[str, Any]] = []

    async def dying_once_the_confirm_shows(key: Any, fields: Mapping[str, Any]) -> None:
        # Every store after the confirm screen reached the user, in the update that sent
        # it: the process died there (only once: the next update stores again).
        if not cut and any(CONFIRM in b for b in user.buttons()):
            cut.append(fields)
            raise Died("killed after the confirm screen went out")
        await put(key, fields)

    storage.rows.put = dying_once_the_confirm_shows  # type: ignore[method-assign]
    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await walk_to_confirm(user)
    storage.rows.put = put  # type: ignore[method-assign]
    assert cut, "the confirm screen's update stored nothing after the screen went out"

    await user.click(CONFIRM)
    await telegram.wait_for(lambda: bool(queued(telegram, user)))
    assert not [t for t in texts(telegram, user) if STALE in t]
    assert len(await jobs_of(app, user.id)) == 1
    assert len(queued(telegram, user)) == 1
    assert await money(app, user.id) == (94, 6, 0)


async def test_a_retried_confirm_whose_job_was_stored_tells_the_user(running: Running) -> None:
    app, telegram = running
    user = telegram.user(742)
    await fund(app, user.id, 100)
    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await walk_to_confirm(user)
    enqueue = app.jobs.enqueue

    async def stored_then_dying(*args: Any, **kwargs: Any) -> Any:
        app.jobs.enqueue = enqueue  # type: ignore[method-assign]
        await enqueue(*args, **kwargs)
        raise Died("killed after the job was stored")

    app.jobs.enqueue = stored_then_dying  # type: ignore[method-assign]
    message, data = user.find_button(CONFIRM)
    await user._callback(message, data, True)  # the job is stored, the user told nothing
    assert len(await jobs_of(app, user.id)) == 1
    assert queued(telegram, user) == []

    await user._callback(message, data, True)  # Telegram's retry of the same press
    await telegram.wait_for(lambda: bool(queued(telegram, user)))
    assert len(queued(telegram, user)) == 1
    [job] = await jobs_of(app, user.id)  # still the one job, its hold the one hold
    assert await money(app, user.id) == (94, 6, 0)
    assert job.state in ("pending", "submitted", "delivered")


async def test_a_press_on_the_screen_before_a_saved_step_shows_the_step(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the confirm step was stored, before its screen went out: the user still
    sees the step before it, and its button (or Telegram's retry of it) brings the confirm."""
    app, telegram = running
    user = telegram.user(743)
    await fund(app, user.id, 100)
    show = Conversation.show
    died: list[str] = []

    async def dying_before_the_confirm(
        self: Conversation, view: View, *args: Any, **kwargs: Any
    ) -> None:
        if view.kind is ScreenKind.CONFIRM and not died:
            died.append(view.model_id)
            raise Died("killed before the confirm screen went out")
        await show(self, view, *args, **kwargs)

    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await walk_to_confirm(user)
    await user.click("⚙️ Настройки")
    monkeypatch.setattr(Conversation, "show", dying_before_the_confirm)
    await user.click("« Назад")  # back to the confirm: stored, then the kill
    assert died and not any(CONFIRM in b for b in user.buttons())
    monkeypatch.setattr(Conversation, "show", show)

    # A button of the screen the user sees, one step behind the stored one: a setting.
    await user.click(user.buttons()[0])
    assert any(CONFIRM in b for b in user.buttons())
    await user.click(CONFIRM)
    await telegram.wait_for(lambda: bool(queued(telegram, user)))
    assert len(await jobs_of(app, user.id)) == 1
    assert await money(app, user.id) == (94, 6, 0)
