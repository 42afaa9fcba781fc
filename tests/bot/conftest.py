"""A running bot (real dispatcher, polling) against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kiegram.app import App
from kiegram.testing import FakeTelegram


@pytest.fixture
async def menu_bot(running: tuple[App, FakeTelegram]) -> FakeTelegram:
    return running[1]


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
