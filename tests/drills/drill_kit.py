"""Helpers shared by the fault drills: walking users, reading money and jobs, checking logs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call
from sqlalchemy import select

from kiegram.app import App
from kiegram.billing import utc_today
from kiegram.billing.errors import UnknownUser
from kiegram.storage.jobs_table import JobRow

CONFIRM = "Запустить генерацию"
PAID_MODEL = "google/nano-banana"  # priced above the free limit: confirming places a hold
SENDS = ("sendmessage", "sendphoto", "senddocument", "sendmediagroup", "editmessagetext")


def sent(telegram: FakeTelegram, user: FakeUser, method: str) -> list[Call]:
    """Successful calls of `method` the bot made to this user's chat."""
    return [
        c
        for c in telegram.calls
        if c.method == method.lower() and str(c.params.get("chat_id")) == str(user.id)
    ]


def texts(telegram: FakeTelegram, user: FakeUser) -> list[str]:
    """Every text and caption the bot sent or edited into this user's chat, in order."""
    out = []
    for call in telegram.calls:
        if call.method in SENDS and str(call.params.get("chat_id")) == str(user.id):
            out.append(str(call.params.get("text") or call.params.get("caption") or ""))
            out.extend(str(m.get("caption") or "") for m in call.params.get("media") or [])
    return out


async def walk_to_confirm(user: FakeUser) -> None:
    """Accept the defaults (or the selected option) until the confirm button shows."""
    for _ in range(12):
        buttons = user.buttons()
        if any(CONFIRM in b for b in buttons):
            return
        chosen = [b for b in buttons if "Далее" in b] or [b for b in buttons if "✅" in b]
        await user.click(chosen[0] if chosen else buttons[0])
    raise AssertionError(f"no confirm button; last buttons: {user.buttons()}")


async def confirm(user: FakeUser) -> None:
    """Walk to the confirm screen and press it."""
    await walk_to_confirm(user)
    await user.click(CONFIRM)


async def fund(app: App, user_id: int, units: int) -> None:
    """Give a user an account with `units` on it (an admin grant)."""
    await app.desk.users.touch(user_id, None, "ru")
    await app.desk.ledger.grant(user_id, units, f"drill-grant:{user_id}", 999, "drill")


async def money(app: App, user_id: int) -> tuple[int, int, int] | None:
    """(balance, held, free uses today) of a user; None when the user has no account."""
    try:
        account = await app.desk.ledger.account(user_id)
    except UnknownUser:
        return None
    left = await app.desk.quota.left(user_id, utc_today())
    return account.balance, account.held, app.settings.free_daily_generations - left


async def jobs_of(app: App, user_id: int) -> list[JobRow]:
    """Every stored job of a user."""
    async with app.engine.connect() as conn:
        rows = await conn.execute(select(JobRow).where(JobRow.user_id == user_id))
        return [JobRow(**dict(row._mapping)) for row in rows]


async def wait_final(
    app: App, _telegram: FakeTelegram, user_id: int, count: int = 1, timeout: float = 20
) -> None:
    """Wait until `count` jobs of the user reach a final state."""
    final = {"delivered", "failed", "cancelled"}
    jobs: list[JobRow] = []
    for _ in range(int(timeout * 10)):
        jobs = await jobs_of(app, user_id)
        if len([j for j in jobs if j.state in final]) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"jobs of {user_id} never finished: {[j.state for j in jobs]}")


def crashes(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records at ERROR or above, or carrying a traceback: each one is a crash."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


def raw_html(calls: list[Call], needle: str = "<script>") -> list[dict[str, Any]]:
    """Bot calls whose text, caption or album captions contain `needle` unescaped."""
    bad = []
    for call in calls:
        parts = [call.params.get("text"), call.params.get("caption")]
        parts += [m.get("caption") for m in call.params.get("media") or []]
        if any(isinstance(p, str) and needle in p for p in parts):
            bad.append({"method": call.method, **call.params})
    return bad
