"""A bot process of the load benchmarks: `kiegram` or `echo`, serving its webhook.

Run by `e2e_bots.py`: `python benchmarks/e2e_serve.py kiegram|echo`, settings from the
environment. `kiegram` is the real bot as `kiegram run` starts it in webhook mode (migrations,
`build_app`, `serve`; start-up checks skipped); `echo` is a bare aiogram dispatcher answering
every message and button press, behind aiogram's own webhook handler answering after the
handler, as kiegram's does. Both answer each webhook request with the process CPU it took
(`kit.load.cpu_header_middleware`) and serve a few routes for the harness under
`/bench/`: the process CPU so far, and for kiegram funding accounts, unfinished jobs and
failed updates. SIGTERM stops either. With `BENCH_PROFILE=PATH` in the environment each
bot profiles its webhook requests (cProfile, enabled only while one is handled) and writes
the statistics to `PATH.NAME` when it stops (`bench_interleaved.py --profile PATH`).
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from kit.load import cpu_header_middleware

from kiegram.app import App, build_app, freeze_startup_heap, serve
from kiegram.ops.logging import setup_logging
from kiegram.scale import WEBHOOK_PATH
from kiegram.settings import load_settings
from kiegram.storage.db import upgrade

PROFILE = cProfile.Profile(time.process_time)  # CPU, not wall: waits are not work
PROFILED = [0]  # webhook requests profiled


@web.middleware
async def profile_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Profile this request's handling (one request at a time: the sequential flows)."""
    if not request.path.startswith(WEBHOOK_PATH):
        return await handler(request)  # type: ignore[no-any-return]
    PROFILED[0] += 1
    PROFILE.enable()
    try:
        return await handler(request)  # type: ignore[no-any-return]
    finally:
        PROFILE.disable()


def profiled(web_app: web.Application) -> None:
    """With `BENCH_PROFILE` set, profile the webhook requests (module doc)."""
    if os.environ.get("BENCH_PROFILE"):
        web_app.middlewares.append(profile_middleware)


def dump_profile(name: str) -> None:
    """Write the requests' profile to `BENCH_PROFILE.NAME` and their count to
    `BENCH_PROFILE.NAME.count`, when profiling."""
    if path := os.environ.get("BENCH_PROFILE"):
        PROFILE.dump_stats(f"{path}.{name}")
        Path(f"{path}.{name}.count").write_text(str(PROFILED[0]))


async def process_cpu(_request: web.Request) -> web.Response:
    """GET /bench/cpu: this process's CPU seconds so far."""
    return web.json_response({"cpu": time.process_time()})


def kiegram_routes(app: App) -> list[web.RouteDef]:
    """What the harness asks the real bot outside the measured windows."""

    async def fund(request: web.Request) -> web.Response:
        for uid in (await request.json())["users"]:  # accounts that confirm paid models
            await app.desk.users.touch(uid, None, "ru")
            await app.desk.ledger.grant(uid, 100_000, f"bench:{uid}", 0, "benchmark")
        return web.json_response({})

    async def unfinished(_request: web.Request) -> web.Response:
        return web.json_response({"count": len(await app.jobs.store.unfinished())})

    async def failed(_request: web.Request) -> web.Response:
        """Updates whose handler raised (the user got an apology), from the bot's metrics."""
        count = sum(
            sample.value
            for metric in app.metrics.updates.collect()
            for sample in metric.samples
            if sample.name.endswith("_total") and sample.labels.get("outcome") == "error"
        )
        return web.json_response({"count": int(count)})

    return [
        web.post("/bench/fund", fund),
        web.get("/bench/unfinished", unfinished),
        web.get("/bench/failed", failed),
    ]


async def run_kiegram() -> None:
    """The real bot in webhook mode, as `kiegram run` starts it."""
    settings = load_settings()
    setup_logging(settings.log_level, settings.log_format)
    await upgrade(settings.effective_database_url)
    app = await build_app(settings)
    app.web_app.middlewares.append(cpu_header_middleware)
    profiled(app.web_app)
    app.web_app.add_routes([web.get("/bench/cpu", process_cpu), *kiegram_routes(app)])
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, app.begin_shutdown)
    try:
        await serve(app)
    finally:
        await app.aclose()
        dump_profile("kiegram")


async def run_echo() -> None:
    """A bare aiogram dispatcher behind aiogram's webhook handler."""
    base, port = os.environ["TELEGRAM_API_BASE"], int(os.environ["HTTP_PORT"])
    secret = os.environ.get("WEBHOOK_SECRET") or None
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @dp.callback_query()
    async def press(query: CallbackQuery, bot: Bot) -> None:
        await query.answer()
        await bot.send_message(query.from_user.id, query.data or "…")

    web_app = web.Application(middlewares=[cpu_header_middleware])
    profiled(web_app)
    web_app.add_routes([web.get("/bench/cpu", process_cpu)])
    SimpleRequestHandler(dp, bot, secret_token=secret, handle_in_background=False).register(
        web_app, path=WEBHOOK_PATH
    )
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    freeze_startup_heap()  # as the real bot does: both pay the same garbage collections
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    url = os.environ["WEBHOOK_URL"].rstrip("/") + WEBHOOK_PATH
    await bot.set_webhook(url, secret_token=secret)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await bot.session.close()
        dump_profile("echo")


def main() -> None:
    """Run the bot named on the command line until SIGTERM."""
    logging.basicConfig(level=logging.ERROR)  # the echo bot's; kiegram sets up its own
    kind = sys.argv[1]
    asyncio.run(run_kiegram() if kind == "kiegram" else run_echo())


if __name__ == "__main__":
    main()
