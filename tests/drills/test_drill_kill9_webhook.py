"""kill -9 mid-update behind a webhook: two `kiegram run` processes on PostgreSQL + Redis;
the one handling a user's update is SIGKILLed; Telegram re-sends the update to the other,
which handles it within seconds of its arrival (the dead one's claim and the user's
conversation lock run out: they are short and were renewed only while it lived)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kit import WebhookTelegram
from kit.databases import (
    create_pg_database,
    delete_prefix,
    drop_pg_database,
    redis_url,
    unique_prefix,
)
from kit.ports import free_port

from kiegram.storage.db import upgrade

SECRET = "drill-secret"
HANDLED_WITHIN = 5.0  # the target: the claim (3 s) runs out while the re-send waits


@pytest.fixture
async def shared() -> AsyncIterator[tuple[str, str]]:
    url = await create_pg_database("kiegram_kill9")
    await upgrade(url)
    prefix = unique_prefix("kiegram-kill9")
    yield url, prefix
    await delete_prefix(redis_url(), prefix)
    await drop_pg_database(url)


async def _start(
    telegram: WebhookTelegram, data: Path, port: int, shared: tuple[str, str]
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": shared[0],
        "REDIS_URL": redis_url(),
        "REDIS_PREFIX": shared[1],
        "DATA_DIR": str(data),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
    }
    log = (data / "bot.log").open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kiegram.cli.main", "run", env=env, stdout=log, stderr=log
        )
    finally:
        log.close()


@pytest.mark.serial
async def test_an_update_whose_instance_was_killed_is_handled_by_the_other_in_seconds(
    tmp_path: Path, shared: tuple[str, str]
) -> None:
    telegram = WebhookTelegram(secret=SECRET, route="pinned", retry_for=60.0)
    await telegram.start()
    ports = [free_port(), free_port()]
    for name in "ab":
        (tmp_path / name).mkdir()
    bots = [
        await _start(telegram, tmp_path / n, p, shared) for n, p in zip("ab", ports, strict=True)
    ]
    try:
        await telegram.wait_for(
            lambda: sum(c.method == "setwebhook" for c in telegram.calls) >= 2, timeout=90
        )
        telegram.set_webhooks([f"http://127.0.0.1:{p}/telegram/webhook" for p in ports])
        user = telegram.user(8300)  # pinned: 8300 % 2 == 0, so the first instance
        await user.send("/start")
        greetings = sum("Привет" in str(m.get("text")) for m in user.chat())
        telegram.delays["sendmessage"] = 30.0  # the first instance hangs in its reply
        update_id = await telegram.push("message", user._message(text="/start"))
        await telegram.wait_for(lambda: telegram.deliveries[-1:] != [], timeout=5)
        await asyncio.sleep(1.0)  # it holds the update's claim and the user's lock now
        bots[0].send_signal(signal.SIGKILL)
        await bots[0].wait()
        killed_at = time.monotonic()
        telegram.delays.clear()
        await telegram.wait_consumed(update_id, timeout=30)
        took = time.monotonic() - killed_at
        statuses = [d.status for d in telegram.deliveries if d.update_id == update_id]
        assert telegram.handled_by(update_id).startswith(f"http://127.0.0.1:{ports[1]}")
        assert took < HANDLED_WITHIN, (took, statuses)
        # The survivor met the dead one's claim and waited it out, then handled the re-send
        # on arrival (no 409: Telegram's re-send pacing does not matter).
        assert statuses == [None, 200], statuses
        await telegram.wait_for(
            lambda: sum("Привет" in str(m.get("text")) for m in user.chat()) > greetings, 5
        )
    finally:
        for bot in bots:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
                await asyncio.wait_for(bot.wait(), timeout=30)
        await telegram.stop()
