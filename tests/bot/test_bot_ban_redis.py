"""Ban and unban with the conversations in Redis (several instances' setup): the flag is
written under the user's Redis lock and read with the conversation, as in the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from kit import FakeTelegram
from kit.databases import delete_prefix, redis_url, unique_prefix

from kiegram.app import App
from kiegram.fsm.sql import SqlStorage

ADMIN = 999  # the `running` fixture's admin id
REFUSED = "Доступ к боту для вас закрыт"


@pytest.fixture
async def bot_settings() -> AsyncIterator[dict[str, Any]]:
    prefix = unique_prefix("kiegram-ban")
    yield {"redis_url": redis_url(), "redis_prefix": prefix}
    await delete_prefix(redis_url(), prefix)


async def test_ban_and_unban_with_conversations_in_redis(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    assert not isinstance(app.dp.fsm.storage, SqlStorage)  # the conversations are in Redis
    user = telegram.user(811)
    await user.send("/start")
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    await admin.click("Пользователь")
    await admin.send("811")
    await admin.click("Заблокировать")
    assert "Пользователь 811 заблокирован" in admin.last_text()
    await user.send("/balance")
    assert REFUSED in user.last_text()

    await admin.click("Разблокировать")
    assert "Доступ к боту снова открыт" in user.last_text()
    await user.send("/balance")
    assert REFUSED not in user.last_text() and "Баланс" in user.last_text()
