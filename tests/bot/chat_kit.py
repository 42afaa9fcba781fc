"""What the chat tests share: a fake Telegram that enforces the edit rate, money helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from journey_kit import ADMIN
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.chat_desk import ChatDesk

EDIT_SECONDS = 0.3  # the bot's spacing of edits; the fake refuses edits closer than 0.25 s


@asynccontextmanager
async def edit_limited() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram refusing edits of one chat closer than 0.25 s (429, as Telegram)."""
    server = FakeTelegram()
    server.edit_interval = 0.25
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def chat_desk(app: App) -> ChatDesk:
    """The app's chat desk."""
    found: ChatDesk = app.dp["chat_desk"]
    return found


async def funded(app: App, user: FakeUser, amount: int) -> None:
    """The user exists and has `amount` credits."""
    await app.desk.users.touch(user.id, None, "ru")
    if amount:
        await app.desk.ledger.grant(user.id, amount, f"grant-{user.id}", ADMIN, "test")


async def money(app: App, user: FakeUser) -> tuple[int, int]:
    """The user's (balance, held)."""
    account = await app.desk.ledger.account(user.id)
    return account.balance, account.held
