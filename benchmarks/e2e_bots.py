"""The two bots of `bench_e2e.py` and what they run against.

`kiegram_bot` is the real bot from its composition root (SQLite in a temp dir, or a given
PostgreSQL URL) with its web app taking KIE callbacks; KIE is the sandbox in a process of
its own. `echo_bot` is a bare aiogram dispatcher answering every message and button press.
Both are attached to a `FeedTelegram`.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiohttp import web

from kiegram.app import App, build_app, freeze_startup_heap
from kiegram.sandbox import SANDBOX_KEY
from kiegram.settings import Settings
from kiegram.testing.databases import create_pg_database, drop_pg_database
from kiegram.testing.load import FeedTelegram


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        proc.terminate()
        await proc.wait()


@asynccontextmanager
async def kiegram_bot(telegram: FeedTelegram, database_url: str) -> AsyncIterator[App]:
    """The real bot from its composition root, with its web app taking KIE callbacks."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        async with kie_elsewhere() as kie:
            settings = Settings(
                bot_token=telegram.token,
                telegram_api_base=telegram.base_url,
                data_dir=Path(tmp),
                database_url=database_url,
                redis_url="",
                kie_api_key=SANDBOX_KEY,
                kie_base_url=kie,
                # The sandbox has no account limit; 200 updates/s of these flows start ~25
                # tasks/s, which KIE's default 20 per 10 s would queue for minutes.
                kie_creates_per_10s=100_000,
                kie_upload_base_url=kie,
                http_port=port,
                public_url=f"http://127.0.0.1:{port}",
                admin_ids=(),
            )
            app = await build_app(settings)
            runner = web.AppRunner(app.web_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            poller = asyncio.create_task(app.poller.run(app.stop))
            freeze_startup_heap()  # as `serve` does
            telegram.attach(app.dp, app.bot)
            try:
                yield app
            finally:
                app.stop.set()
                await poller
                await runner.cleanup()
                await app.aclose()


@asynccontextmanager
async def echo_bot(telegram: FeedTelegram) -> AsyncIterator[Dispatcher]:
    """A bare aiogram dispatcher answering every message and button press."""
    bot = Bot(
        telegram.token, session=AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    )
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @dp.callback_query()
    async def press(query: CallbackQuery, bot: Bot) -> None:
        await query.answer()
        await bot.send_message(query.from_user.id, query.data or "…")

    freeze_startup_heap()  # as the real bot does: both pay the same garbage collections
    telegram.attach(dp, bot)
    try:
        yield dp
    finally:
        await bot.session.close()


@asynccontextmanager
async def pg_database() -> AsyncIterator[str]:
    """A temporary PostgreSQL database, dropped afterwards."""
    url = await create_pg_database("kiegram_bench")
    try:
        yield url
    finally:
        await drop_pg_database(url)
