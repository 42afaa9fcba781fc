"""A confirm whose instance died after the hold and before the job was stored is finished by
Telegram's retry of the same update: one hold, one job, one result."""

from __future__ import annotations

from typing import Any

from drill_kit import CONFIRM, PAID_MODEL, fund, jobs_of, money, sent, wait_final, walk_to_confirm
from kit import FakeTelegram

from kiegram.app import App
from kiegram.errors import KiegramError

Running = tuple[App, FakeTelegram]


class Died(KiegramError):
    """Stands for the process dying between the hold and the stored job."""


async def test_a_retried_confirm_stores_the_job_the_dead_one_did_not(running: Running) -> None:
    app, telegram = running
    user = telegram.user(731)
    await fund(app, user.id, 100)
    await user.send(f"/model {PAID_MODEL}")
    await user.send("a lighthouse in a storm")
    await walk_to_confirm(user)
    enqueue = app.jobs.enqueue

    async def dying(*args: Any, **kwargs: Any) -> Any:
        app.jobs.enqueue = enqueue  # type: ignore[method-assign]
        raise Died("killed after the hold")

    app.jobs.enqueue = dying  # type: ignore[method-assign]
    message, data = user.find_button(CONFIRM)
    await user._callback(message, data, True)  # the hold is placed, the job is not stored
    assert await jobs_of(app, user.id) == []
    assert await money(app, user.id) == (94, 6, 0)
    await user._callback(message, data, True)  # Telegram's retry of the same press
    await user._callback(message, data, True)  # and a double tap after it
    await wait_final(app, telegram, user.id)
    [job] = await jobs_of(app, user.id)
    assert job.state == "delivered"
    assert await money(app, user.id) == (94, 0, 0)
    await telegram.wait_for(lambda: len(sent(telegram, user, "sendPhoto")) == 1)
    assert len(sent(telegram, user, "sendPhoto")) == 1
