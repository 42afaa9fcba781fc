"""/readyz's "updates" check: long polling that answers, a webhook Telegram accepted."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramUnauthorizedError
from kit import FakeTelegram

from kiegram.app import App
from kiegram.bot.session import BotApiSession
from kiegram.ops.update_watch import UpdateWatch


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_polling_is_healthy_while_get_updates_answers() -> None:
    telegram = FakeTelegram()
    await telegram.start()
    clock = Clock()
    watch = UpdateWatch(stale_after=90, clock=clock)
    session = BotApiSession(TelegramAPIServer.from_base(telegram.base_url))
    session.middleware(watch)
    bot = Bot(telegram.token, session=session)
    wrong = Bot("999:" + "x" * 35, session=session)
    try:
        assert not watch.healthy()  # not polled yet
        await bot.get_me()
        assert not watch.healthy()  # other calls say nothing about updates
        await bot.get_updates(timeout=0)
        assert watch.healthy()
        clock.now += 89
        assert watch.healthy()
        clock.now += 2
        assert not watch.healthy()  # no answer for 91 s: aiogram is retrying in vain
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_updates(timeout=0)
        assert not watch.healthy()  # a refusal is no sign of life
        await bot.set_webhook("https://bot.example/webhook")
        clock.now += 10_000
        assert watch.healthy()  # Telegram pushes the updates now
    finally:
        await session.close()
        await telegram.stop()


async def test_the_running_bot_reports_its_polling_in_readyz(
    running: tuple[App, FakeTelegram],
) -> None:
    app, _telegram = running
    checks = await app.readiness.run()
    for _ in range(100):
        if checks["updates"].ok:
            break
        await asyncio.sleep(0.05)
        checks = await app.readiness.run()
    assert checks["updates"].ok and checks["database"].ok
    assert "redis" not in checks  # none configured
