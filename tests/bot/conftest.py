"""A running bot (real dispatcher, polling) against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kit import FakeTelegram
from kit.databases import drop_pg_database_later, migrated_pg_database, migrated_sqlite

from kiegram.app import App


@pytest.fixture
async def menu_bot(running: tuple[App, FakeTelegram]) -> FakeTelegram:
    return running[1]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield await migrated_sqlite(tmp_path / "bot.sqlite3")
        return
    url = await migrated_pg_database("kiegram_bot")
    try:
        yield url
    finally:
        drop_pg_database_later(url)
