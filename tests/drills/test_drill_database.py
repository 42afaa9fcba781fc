"""The database refusing: every update still gets an answer, and the bot recovers by itself."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from kit import FakeTelegram
from kit.databases import create_pg_database, drop_pg_database, pg_admin_url
from sqlalchemy import text

from kiegram.app import App

Running = tuple[App, FakeTelegram]
FAILED_RU = "Не получилось: ошибка на нашей стороне"


@pytest.fixture(params=["sqlite", "postgresql"])
async def bot_settings(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    if request.param == "sqlite":
        yield {}
        return
    url = await create_pg_database("kiegram_drill")
    try:
        yield {"database_url": url}
    finally:
        await drop_pg_database(url)


async def _rename(app: App, old: str, new: str) -> None:
    async with app.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_a_failing_handler_answers_with_an_apology_in_the_users_language(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    app, telegram = running
    ru, en = telegram.user(801), telegram.user(802, language_code="en")
    await _rename(app, "users", "users_away")  # /start registers the user: that now fails
    with caplog.at_level(logging.ERROR):
        await ru.send("/start")
        await en.send("/start")
    assert FAILED_RU in ru.last_text()
    assert "That did not work: an error on our side" in en.last_text()
    assert any(r.exc_info for r in caplog.records)  # still logged with its traceback
    await _rename(app, "users_away", "users")
    await ru.send("/start")
    assert "Привет" in ru.last_text()


async def test_the_apology_speaks_the_language_chosen_with_lang(running: Running) -> None:
    app, telegram = running
    user = telegram.user(804)  # Telegram says Russian
    await user.send("/lang")
    await user.click("English")
    await _rename(app, "users", "users_away")
    await user.send("/start")
    assert "That did not work: an error on our side" in user.last_text()
    await _rename(app, "users_away", "users")


async def test_after_the_database_dropped_every_connection_the_next_update_works(
    running: Running, bot_settings: dict[str, Any]
) -> None:
    if "database_url" not in bot_settings:
        pytest.skip("a server restart is a PostgreSQL matter")
    _app, telegram = running
    user = telegram.user(803)
    await user.send("/start")
    await user.send("/start")  # the pool holds live connections now
    name = bot_settings["database_url"].rsplit("/", 1)[1]
    admin = await asyncpg.connect(pg_admin_url())
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            name,
        )
    finally:
        await admin.close()
    assert killed >= 1
    await user.send("/start")
    first = user.last_text()
    assert "Привет" in first or FAILED_RU in first  # answered either way
    await user.send("/start")
    assert "Привет" in user.last_text()
