"""Shared fixtures: the whole bot from its composition root against fake Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from kit import FakeTelegram
from kit.databases import migrated_data_dir

from kiegram.app import App, build_app
from kiegram.settings import Settings


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """The Bot API stand-in, started for one test."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    """Settings overrides for `running`; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
async def running(
    tmp_path: Path, bot_settings: dict[str, Any]
) -> AsyncIterator[tuple[App, FakeTelegram]]:
    telegram = FakeTelegram()
    await telegram.start()
    values: dict[str, Any] = {"http_port": 0, "admin_ids": (999,), **bot_settings}
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        data_dir=await migrated_data_dir(tmp_path),
        **values,
    )
    app = await build_app(settings)
    poller = asyncio.create_task(app.poller.run(app.stop))
    polling = asyncio.create_task(
        app.dp.start_polling(
            app.bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False
        )
    )
    yield app, telegram
    await app.dp.stop_polling()
    await polling
    poller.cancel()
    await app.aclose()
    await telegram.stop()
