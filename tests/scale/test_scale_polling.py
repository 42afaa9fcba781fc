"""Long polling that loses no update to a crash (`scale.polling`, issue #26): an update is
stored before Telegram is told it arrived, and marked once handled; a restart handles what a
death cut off, and nothing it had handled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from kit import FakeTelegram
from kit.databases import migrated_sqlite

from kiegram.scale.polling import DurablePolling
from kiegram.storage.db import create_engine
from kiegram.storage.polled_updates import SqlPolledUpdates


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    fake.batch = 100
    yield fake
    await fake.stop()


def _bot(telegram: FakeTelegram) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    return Bot(telegram.token, session=session)


def _dp(seen: list[str], hang_on: str = "") -> Dispatcher:
    dp = Dispatcher()
    hang = asyncio.Event()

    @dp.message()
    async def note(message: Message) -> None:
        if message.text == hang_on:
            await hang.wait()  # killed in here
        seen.append(str(message.text))

    return dp


async def _run(polling: DurablePolling) -> asyncio.Task[None]:
    return asyncio.create_task(polling.run())


async def test_a_killed_instance_loses_no_update_and_handles_none_twice(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    url = await migrated_sqlite(tmp_path / "bot.sqlite3")
    engine = create_engine(url)
    user = telegram.user(7)
    first: list[str] = []
    bot = _bot(telegram)
    inbox = SqlPolledUpdates(engine, bot.id)
    # grace=0: stopping cancels the handler in flight and marks nothing, as a kill would.
    polling = DurablePolling(_dp(first, hang_on="two"), bot, inbox, timeout=1, grace=0)
    task = await _run(polling)
    for text in ("one", "two", "three"):
        await user.send(text, wait=False)
    await telegram.wait_for(lambda: telegram._polled > 3, timeout=10)  # all three confirmed
    for _ in range(50):
        if first == ["one", "three"]:
            break
        await asyncio.sleep(0.1)
    assert first == ["one", "three"]  # "two" hangs in its handler
    polling.stop()
    await task
    await bot.session.close()
    assert [u for u, _ in await inbox.left()] == [2]

    again: list[str] = []
    bot = _bot(telegram)
    polling = DurablePolling(_dp(again), bot, SqlPolledUpdates(engine, bot.id), timeout=1)
    task = await _run(polling)
    await user.send("four", wait=False)
    for _ in range(50):
        if len(again) >= 2:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    polling.stop()
    await task
    await bot.session.close()
    assert again == ["two", "four"]  # the cut-off one again, first; "one"/"three" not twice
    assert await SqlPolledUpdates(engine, bot.id).left() == []
    await engine.dispose()


async def test_updates_are_stored_before_they_are_confirmed(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    url = await migrated_sqlite(tmp_path / "bot.sqlite3")
    engine = create_engine(url)
    bot = _bot(telegram)
    inbox = SqlPolledUpdates(engine, bot.id)
    stored_when_confirmed: list[list[int]] = []
    store = inbox.store

    async def store_then_look(updates: list[tuple[int, str]]) -> None:
        assert telegram._polled <= min(u for u, _ in updates)  # none confirmed yet
        await store(updates)
        stored_when_confirmed.append([u for u, _ in await inbox.left()])

    inbox.store = store_then_look  # type: ignore[method-assign]
    seen: list[str] = []
    polling = DurablePolling(_dp(seen, hang_on="a"), bot, inbox, timeout=1, grace=0)
    task = await _run(polling)
    await telegram.user(8).send("a", wait=False)
    await telegram.wait_for(lambda: telegram._polled > 1, timeout=10)
    polling.stop()
    await task
    await bot.session.close()
    assert stored_when_confirmed == [[1]]
    assert await inbox.last() == 1
    await engine.dispose()
