"""The two bots of `bench_e2e.py`, each in a process of its own, and what they run against.

`kiegram_bot` is the real bot as `kiegram run` starts it in webhook mode (SQLite in a temp
dir, or a given PostgreSQL URL), its web app also taking KIE's callbacks; KIE is the sandbox
in a process of its own. `echo_bot` is a bare aiogram dispatcher answering every message and
button press behind aiogram's webhook handler. Both run `e2e_serve.py` with their settings in
the environment, call the harness's `LoadTelegram` for every Bot API method and get their
updates from it by webhook; `BotProcess` is the harness's handle on one of them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from kit.databases import (
    create_pg_database,
    delete_prefix,
    drop_pg_database,
    redis_url,
    unique_prefix,
)
from kit.load import LoadTelegram
from kit.ports import free_port

from kiegram.sandbox import SANDBOX_KEY

SERVE = str(Path(__file__).with_name("e2e_serve.py"))
SECRET = "bench-webhook-secret"


SANDBOX = """
import asyncio, logging, sys
from kiegram.sandbox import start_sandbox

logging.disable(logging.WARNING)

async def main():
    await start_sandbox(port=int(sys.argv[1]), delay=float(sys.argv[2]))
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


# Seconds the sandbox takes per generation. KIE's quickest models take seconds; with none,
# the callback comes before the create's reply and every job takes the adoption path.
GENERATION_SECONDS = 0.5


@asynccontextmanager
async def kie_elsewhere() -> AsyncIterator[str]:
    """The sandbox KIE in a process of its own, as KIE is remote: its work is not the bot's."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SANDBOX,
        str(port),
        str(GENERATION_SECONDS),
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    await asyncio.wait_for(proc.stdout.readline(), 30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await stopped(proc)


async def stopped(proc: asyncio.subprocess.Process, grace: float = 30) -> None:
    """SIGTERM, and SIGKILL if it has not exited after `grace` seconds."""
    if proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except TimeoutError:
        proc.kill()
        await proc.wait()


@dataclass
class BotProcess:
    """A bot running `e2e_serve.py`: its CPU and, for kiegram, what the harness asks it."""

    name: str
    base: str  # http://127.0.0.1:port
    http: aiohttp.ClientSession

    @property
    def real(self) -> bool:
        """Whether this is kiegram (which takes money and generates), not the echo bot."""
        return self.name == "kiegram"

    async def cpu(self) -> float:
        """The bot process's CPU seconds so far."""
        return float((await self._get("cpu"))["cpu"])

    async def fund(self, users: list[int]) -> None:
        """Accounts with plenty of units, so paid models confirm."""
        async with self.http.post(f"{self.base}/bench/fund", json={"users": users}) as reply:
            reply.raise_for_status()

    async def unfinished(self) -> int:
        """Jobs not final yet."""
        return int((await self._get("unfinished"))["count"])

    async def failed(self) -> int:
        """Updates whose handler raised (the user got an apology)."""
        return int((await self._get("failed"))["count"])

    async def _get(self, what: str) -> Any:
        async with self.http.get(f"{self.base}/bench/{what}") as reply:
            reply.raise_for_status()
            return await reply.json()


@asynccontextmanager
async def bot_process(
    name: str, telegram: LoadTelegram, port: int, env: dict[str, str]
) -> AsyncIterator[BotProcess]:
    """Start `e2e_serve.py NAME` on `port` with these settings; ready once it set its
    webhook."""
    base = f"http://127.0.0.1:{port}"
    settings = {
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "WEBHOOK_URL": base,
        "WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "ERROR",
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, SERVE, name, env={**os.environ, **settings}
    )
    try:
        waiter = asyncio.create_task(telegram.wait_webhook(120))
        exited = asyncio.create_task(proc.wait())
        await asyncio.wait({waiter, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not waiter.done():
            waiter.cancel()
            raise RuntimeError(f"the {name} bot exited before setting its webhook")
        waiter.result()
        async with aiohttp.ClientSession() as http:
            yield BotProcess(name, base, http)
    finally:
        await stopped(proc)


@asynccontextmanager
async def kiegram_bot(
    telegram: LoadTelegram, database_url: str, redis: str = "", shared: bool = False
) -> AsyncIterator[BotProcess]:
    """The real bot in a process of its own, with its web app taking KIE callbacks: the
    bot's only instance (SINGLE_INSTANCE), or configured as one of several, sharing Redis
    when `redis` names a key prefix, else (`shared`) the database alone."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        async with kie_elsewhere() as kie:
            env = {
                "PUBLIC_URL": f"http://127.0.0.1:{port}",
                "DATA_DIR": tmp,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url() if redis else "",
                "REDIS_PREFIX": redis or "kiegram",
                "SINGLE_INSTANCE": "false" if redis or shared else "true",
                "KIE_API_KEY": SANDBOX_KEY,
                "KIE_BASE_URL": kie,
                "KIE_UPLOAD_BASE_URL": kie,
                # The sandbox has no account limit; 200 updates/s of these flows start ~25
                # tasks/s, which KIE's default 20 per 10 s would queue for minutes.
                "KIE_CREATES_PER_10S": "100000",
                "ADMIN_IDS": "",
            }
            async with bot_process("kiegram", telegram, port, env) as bot:
                yield bot


@asynccontextmanager
async def echo_bot(telegram: LoadTelegram) -> AsyncIterator[BotProcess]:
    """A bare aiogram dispatcher in a process of its own."""
    async with bot_process("echo", telegram, free_port(), {}) as bot:
        yield bot


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[str]:
    """A Redis key prefix of its own for one run; its keys are deleted afterwards."""
    prefix = unique_prefix("kiegram-bench")
    try:
        yield prefix
    finally:
        await delete_prefix(redis_url(), prefix)


@asynccontextmanager
async def pg_database() -> AsyncIterator[str]:
    """A temporary PostgreSQL database, dropped afterwards."""
    url = await create_pg_database("kiegram_bench")
    try:
        yield url
    finally:
        await drop_pg_database(url)
