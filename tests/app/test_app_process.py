"""`kiegram run` as a real process: SIGTERM mid-generation, restart, delivered exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kit import FakeTelegram, FakeUser

from kiegram.sandbox import SandboxServer, start_sandbox

ADMIN = 7001


@pytest.fixture
async def seams() -> AsyncIterator[tuple[FakeTelegram, SandboxServer]]:
    telegram = FakeTelegram()
    await telegram.start()
    sandbox = await start_sandbox(delay=4.0)
    yield telegram, sandbox
    await sandbox.close()
    await telegram.stop()


async def _start_bot(
    telegram: FakeTelegram, sandbox: SandboxServer, data: Path
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "KIE_API_KEY": "sandbox-key",
        "KIE_BASE_URL": sandbox.base_url,
        "KIE_UPLOAD_BASE_URL": sandbox.base_url,
        "DATA_DIR": str(data),
        "HTTP_PORT": "0",
        "ADMIN_IDS": str(ADMIN),
        "REDIS_URL": "",
        "DATABASE_URL": "",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kiegram.cli.main",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


def _photos(telegram: FakeTelegram, user: FakeUser) -> int:
    return sum(
        1
        for c in telegram.calls
        if c.method == "sendphoto" and str(c.params.get("chat_id")) == str(user.id)
    )


@pytest.mark.serial
async def test_sigterm_during_a_generation_loses_nothing(
    seams: tuple[FakeTelegram, SandboxServer], tmp_path: Path
) -> None:
    telegram, sandbox = seams
    bot = await _start_bot(telegram, sandbox, tmp_path)
    user = telegram.user(ADMIN)
    await user.send("/model z-image", wait=False)
    await telegram.wait_for(lambda: "✏️" in user.last_text(), timeout=60)
    await user.send("a lighthouse at night", wait=False)  # the confirm, every default kept
    await telegram.wait_for(lambda: any("Запустить" in b for b in user.buttons()), timeout=20)
    await user.click("Запустить генерацию", wait=False)
    await telegram.wait_for(lambda: len(sandbox.kie.tasks) == 1, timeout=20)

    bot.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(bot.communicate(), timeout=30)
    assert bot.returncode == 0, output.decode(errors="replace")[-2000:]
    assert _photos(telegram, user) == 0

    bot = await _start_bot(telegram, sandbox, tmp_path)
    try:
        await telegram.wait_for(lambda: _photos(telegram, user) == 1, timeout=60)
        await asyncio.sleep(2)  # a second delivery would show up by now
        assert _photos(telegram, user) == 1
        assert len(sandbox.kie.tasks) == 1
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.communicate(), timeout=30)
