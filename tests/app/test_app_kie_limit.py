"""KIE_CREATES_PER_10S: generations beyond the account's limit wait their turn, stored; a
shutdown parks those still waiting, and the next start sends them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.databases import migrated_data_dir

from kiegram.app import App, build_app
from kiegram.errors import ConfigError
from kiegram.jobs.model import ErrorCode, JobState
from kiegram.settings import Settings, load_settings


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


async def test_a_shutdown_parks_creates_still_waiting_and_the_next_start_sends_them(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    values: dict[str, Any] = {
        "bot_token": telegram.token,
        "telegram_api_base": telegram.base_url,
        "data_dir": await migrated_data_dir(tmp_path),
        "http_port": 0,
        "admin_ids": (999,),
    }
    app = await build_app(Settings(**values, kie_creates_per_10s=1))
    polling = asyncio.create_task(
        app.dp.start_polling(
            app.bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False
        )
    )
    poller = asyncio.create_task(app.poller.run(app.stop))
    first, second, third = telegram.user(711), telegram.user(712), telegram.user(713)
    try:
        for user in (first, second, third):
            await _confirm(user)
        # First poll after 3 s (no callback URL here); the others wait until 10 s after the
        # first create. (The first must be done: the sandbox KIE ends with this app.)
        await telegram.wait_for(lambda: _photos(telegram, first) == 1, timeout=30)
        # Delivered whole (the photo goes by URL, the original and "Done" follow): settled.
        for _ in range(600):
            if all(j.user_id != first.id for j in await app.jobs.store.unfinished()):
                break
            await asyncio.sleep(0.05)
    finally:
        await app.dp.stop_polling()
        await polling
        await app.aclose(submit_grace=0.2)
        await poller  # the other two wait ~10 s for their turn
    again = await build_app(Settings(**values))
    try:
        parked = await again.jobs.store.unfinished()
        assert sorted((j.user_id, j.state, j.error_code, j.task_id) for j in parked) == [
            (712, JobState.PENDING, ErrorCode.RETRY_CREATE, None),
            (713, JobState.PENDING, ErrorCode.RETRY_CREATE, None),
        ]
        resumed = asyncio.create_task(again.poller.run(again.stop))
        await telegram.wait_for(
            lambda: _photos(telegram, second) == 1 and _photos(telegram, third) == 1, timeout=30
        )
        again.stop.set()
        await resumed
        assert _photos(telegram, first) == 1
    finally:
        await again.aclose()
        await telegram.stop()
