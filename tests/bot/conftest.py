"""A running bot (real dispatcher, polling) against the Bot API stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import MemoryStorage

from kiegram.bot.deps import BotConfig
from kiegram.bot.dispatcher import build_dispatcher
from kiegram.bot.prices import PriceBook
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.testing import FakeTelegram


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def menu_bot(telegram: FakeTelegram) -> AsyncIterator[FakeTelegram]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    bot = Bot(telegram.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dp = build_dispatcher(
        MemoryStorage(),
        load_translator(),
        catalog=load_catalog(),
        prices=PriceBook(lambda credits: (credits * Decimal("1.5")).quantize(Decimal("1"))),
        config=BotConfig(admin_ids=frozenset()),
    )
    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, polling_timeout=1))
    yield telegram
    await dp.stop_polling()
    await task
    await bot.session.close()


PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A migrated, empty database: an SQLite file, or a fresh PostgreSQL database."""
    import os
    import uuid

    import asyncpg

    from kiegram.storage.db import upgrade

    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        await upgrade(url)
        yield url
        return
    admin = os.environ.get("KIEGRAM_TEST_PG_ADMIN", PG_ADMIN_URL)
    name = f"kiegram_bot_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    await upgrade(url)
    yield url
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()
