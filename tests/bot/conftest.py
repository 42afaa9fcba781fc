"""A running bot (real dispatcher, polling) against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kit import FakeTelegram
from kit.databases import create_pg_database, drop_pg_database

from kiegram.app import App
from kiegram.storage.db import upgrade


@pytest.fixture
async def menu_bot(running: tuple[App, FakeTelegram]) -> FakeTelegram:
    return running[1]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        await upgrade(url)
        yield url
        return
    url = await create_pg_database("kiegram_bot")
    try:
        await upgrade(url)
        yield url
    finally:
        await drop_pg_database(url)
