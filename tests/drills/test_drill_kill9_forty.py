"""kill -9 anywhere (issue #26), drilled as the issue asks: 40 users through a fake Telegram
answering in 0.3 s; real `kiegram run` processes, one SIGKILLed at each of four moments and
restarted 2 s later, in both topologies:

- one process on SQLite, long polling;
- two processes on PostgreSQL + Redis behind a webhook (Telegram pins each user to one
  instance and re-sends an update the killed one did not answer to the other).

The moments, one wave each (every user confirms one generation per wave, one process run per
topology): mid-update (users walking through the wizard), while creates wait for KIE's rate
limit, mid-create (the sandbox holds the create requests: the kill lands inside them) and
mid-delivery (originals are slow to upload). After each kill, per user: exactly one job per
confirm, one photo + one original + one "Done" per delivered job (one duplicate at most where
the kill cut a delivery), a job whose create may have reached KIE refunded with a word, every
hold settled, no job open, all within 30 s of the kill (plus a restart slower than 5 s; on
a machine so loaded that a start takes over 20 s the limit grows with it: `Wave.limit`), and
behind the webhook every update Telegram re-sends accepted within 5 s of its first failed
delivery. The figures are printed (`-s`), with a timeline of each wave (`Drill.timeline`).

The webhook instances share KIE's create budget through Redis (`scale.rate_limit`): given
the account's 20 per 10 s, the survivor of a kill may use all of it.

A confirm is never refused as a stale button: an update's conversation state is stored
before any screen it sends (`fsm.save_first`), so a kill cannot leave the user a confirm
screen the stored state does not know (the walk fails on such an answer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from kill9_kit import (
    LATENCY,
    QUIET,
    RESTART_AFTER,
    USERS,
    Drill,
    Wave,
    count,
    fund,
    kill,
    start,
    stop,
    until,
)
from kit import FakeTelegram, WebhookTelegram
from kit.databases import (
    create_pg_database,
    delete_prefix,
    drop_pg_database,
    redis_url,
    unique_prefix,
)
from kit.ports import free_port

from kiegram.sandbox import SandboxServer, start_sandbox
from kiegram.storage.db import upgrade

SECRET = "drill-secret"


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    server = await start_sandbox(delay=1.0)
    yield server
    await server.close()


def _kie(sandbox: SandboxServer, per_10s: int) -> dict[str, str]:
    return {
        "KIE_API_KEY": "sandbox-key",
        "KIE_BASE_URL": sandbox.base_url,
        "KIE_UPLOAD_BASE_URL": sandbox.base_url,
        "KIE_CREATES_PER_10S": str(per_10s),
        "FREE_DAILY_GENERATIONS": "0",
    }


def _calls(telegram: FakeTelegram, method: str) -> int:
    return sum(c.method == method for c in telegram.calls)


async def _waves(drill: Drill, killable: KillTarget) -> None:
    """The four kill moments, in order, on the same processes."""
    telegram, kie = drill.telegram, drill.sandbox.kie

    # 1. Mid-update: users are walking through the wizard, updates are being handled.
    wave = drill.begin("mid-update")
    walking = asyncio.create_task(drill.confirm_all(wave))
    await until(lambda: len(telegram.calls) - wave.since >= 3 * USERS, 240, "walks begun")
    await killable.kill_and_restart(wave)
    await walking
    await _settled(drill, killable, wave, 1)

    # 2. While creates wait for KIE's rate limit.
    wave = drill.begin("creates waiting")
    tasks_before = len(kie.tasks)
    walking = asyncio.create_task(drill.confirm_all(wave))
    await until(lambda: len(kie.tasks) > tasks_before, 240, "first creates")
    await drill.until_pending(5)  # stored, not sent: waiting for the limiter
    await killable.kill_and_restart(wave)
    await walking
    await _settled(drill, killable, wave, 2)

    # 3. Mid-create: the sandbox holds each create 5 s; the kill lands inside some.
    wave = drill.begin("mid-create")
    kie.faults.create_hold = 5.0
    await drill.confirm_all(wave)
    await until(lambda: kie.holding >= 3, 240, "creates held at KIE")
    kie.faults.create_hold = 0.0  # only those in flight at the kill were held
    await killable.kill_and_restart(wave)
    await _settled(drill, killable, wave, 3)

    # 4. Mid-delivery: originals take 3 s to upload; the kill lands between photo and file.
    wave = drill.begin("mid-delivery")
    telegram.delays["senddocument"] = 3.0
    await drill.confirm_all(wave)
    await until(
        lambda: any(count(telegram, u, wave.since, "sendphoto") for u in drill.users),
        240,
        "a photo delivered",
    )
    await killable.kill_and_restart(wave, after_kill=drill.note_cut)
    await _settled(drill, killable, wave, 4)


async def _settled(drill: Drill, killable: KillTarget, wave: Wave, waves_done: int) -> None:
    """Wait until the wave settled, then for the restart and a quiet spell (together), and
    check it."""
    await drill.settle(wave, waves_done)
    await asyncio.gather(killable.up(), asyncio.sleep(QUIET))
    print(await drill.check(wave, waves_done))


class KillTarget:
    """The process the drill kills and restarts (the first one)."""

    def __init__(
        self, telegram: FakeTelegram, bots: list[asyncio.subprocess.Process], up_method: str
    ) -> None:
        self.telegram = telegram
        self.bots = bots
        self.up_method = up_method
        self.env: dict[str, str] = {}
        self.data = Path()
        self.restarting: asyncio.Task[None] | None = None

    async def kill_and_restart(
        self, wave: Wave, after_kill: Callable[[Wave], Awaitable[None]] | None = None
    ) -> None:
        """SIGKILL the first process; restart it `RESTART_AFTER` seconds later in the
        background (the survivor, if any, goes on meanwhile: settling is timed from here)."""
        if self.restarting is not None:
            await self.restarting
        wave.killed_at = await kill(self.bots[0])
        self.telegram.delays.clear()
        if after_kill is not None:
            await after_kill(wave)
        self.restarting = asyncio.create_task(self._restart(wave))

    async def _restart(self, wave: Wave) -> None:
        await asyncio.sleep(RESTART_AFTER)
        ups = _calls(self.telegram, self.up_method)
        self.bots[0] = await start(self.env, self.data)
        await until(lambda: _calls(self.telegram, self.up_method) > ups, 240, "restarted")
        wave.up_at = time.monotonic()

    async def up(self) -> None:
        """Wait until the restarted process is up (before the next kill, and at the end)."""
        if self.restarting is not None:
            await self.restarting


@pytest.mark.serial
async def test_kill_9_long_polling_on_sqlite_at_four_moments(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    telegram = FakeTelegram()
    await telegram.start()
    telegram.latency, telegram.batch = LATENCY, 100
    data = tmp_path / "bot"
    data.mkdir()
    url = f"sqlite+aiosqlite:///{(data / 'kiegram.sqlite3').resolve()}"
    await upgrade(url)
    users = [telegram.user(8400 + n) for n in range(USERS)]
    await fund(url, [u.id for u in users])
    env = {
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        **_kie(sandbox, 20),
        "HTTP_PORT": "0",
        "REDIS_URL": "",
        "DATABASE_URL": "",
        "WEBHOOK_URL": "",
    }
    bots = [await start(env, data)]
    target = KillTarget(telegram, bots, "deletewebhook")
    target.env, target.data = env, data
    drill = Drill(telegram, sandbox, url, users)
    try:
        await until(lambda: _calls(telegram, "deletewebhook") >= 1, 240, "started")
        await _waves(drill, target)
    finally:
        await stop(bots)
        await telegram.stop()
        print("\n".join(["long polling, SQLite:", *drill.reports]))


@pytest.fixture
async def shared() -> AsyncIterator[tuple[str, str]]:
    url = await create_pg_database("kiegram_kill9x")
    await upgrade(url)
    prefix = unique_prefix("kiegram-kill9x")
    yield url, prefix
    await delete_prefix(redis_url(), prefix)
    await drop_pg_database(url)


@pytest.mark.serial
async def test_kill_9_one_of_two_webhook_instances_at_four_moments(
    sandbox: SandboxServer, tmp_path: Path, shared: tuple[str, str]
) -> None:
    telegram = WebhookTelegram(secret=SECRET, route="pinned", retry_for=120.0)
    await telegram.start()
    telegram.latency, telegram.batch = LATENCY, 100
    users = [telegram.user(8500 + n) for n in range(USERS)]
    await fund(shared[0], [u.id for u in users])
    ports = [free_port(), free_port()]
    envs = [
        {
            "BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE": telegram.base_url,
            **_kie(sandbox, 20),  # the account's budget, shared through Redis
            "WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "WEBHOOK_SECRET": SECRET,
            "DATABASE_URL": shared[0],
            "REDIS_URL": redis_url(),
            "REDIS_PREFIX": shared[1],
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
        }
        for port in ports
    ]
    for name in "ab":
        (tmp_path / name).mkdir()
    bots = [await start(env, tmp_path / n) for env, n in zip(envs, "ab", strict=True)]
    target = KillTarget(telegram, bots, "setwebhook")
    target.env, target.data = envs[0], tmp_path / "a"
    drill = Drill(telegram, sandbox, shared[0], users)
    try:
        await until(lambda: _calls(telegram, "setwebhook") >= 2, 240, "started")
        telegram.set_webhooks([f"http://127.0.0.1:{p}/telegram/webhook" for p in ports])
        await _waves(drill, target)
    finally:
        await stop(bots)
        await telegram.stop()
        print("\n".join(["webhook, two instances on PostgreSQL + Redis:", *drill.reports]))
