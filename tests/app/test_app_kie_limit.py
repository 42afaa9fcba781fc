"""KIE_CREATES_PER_10S: generations beyond the account's limit wait their turn, stored."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kiegram.app import App
from kiegram.errors import ConfigError
from kiegram.jobs.model import JobState
from kiegram.settings import load_settings
from kiegram.testing import FakeTelegram, FakeUser


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"kie_creates_per_10s": 1}


async def _confirm(user: FakeUser) -> None:
    await user.send("/start")
    await user.click("Создать картинку")
    await user.click("Z-Image")
    await user.click("Начать")
    await user.send("a red fox in the snow")
    for _ in range(8):
        if any("Запустить генерацию" in b for b in user.buttons()):
            break
        await user.click("Далее")
    await user.click("Запустить генерацию")


def _photos(telegram: FakeTelegram, user: FakeUser) -> int:
    return sum(
        c.method == "sendphoto" and str(c.params.get("chat_id")) == str(user.id)
        for c in telegram.calls
    )


async def test_a_second_generation_in_the_window_waits_stored(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    first, second = telegram.user(701), telegram.user(702)
    await _confirm(first)
    await telegram.wait_for(lambda: _photos(telegram, first) == 1, timeout=30)
    await _confirm(second)
    await asyncio.sleep(1.0)
    assert _photos(telegram, second) == 0
    waiting = [j for j in await app.jobs.store.unfinished() if j.user_id == second.id]
    assert [(j.state, j.task_id) for j in waiting] == [(JobState.PENDING, None)]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="KIE_CREATES_PER_10S"):
        load_settings(kie_creates_per_10s=0, bot_token="1:x")
