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
