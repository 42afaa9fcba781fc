"""The load harness's Telegram posts updates to the bot's webhook and times each one."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from echo_kit import echo_dispatcher
from kit.load import CPU_HEADER, LoadTelegram, Pacer, cpu_header_middleware

SECRET = "s3cret"


@pytest.fixture
async def served() -> AsyncIterator[LoadTelegram]:
    """An aiogram bot behind its webhook (answering after the handler), on a LoadTelegram."""
    telegram = LoadTelegram()
    await telegram.start()
    bot = Bot(
        telegram.token, session=AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    )
    dp = echo_dispatcher(bot)
    app = web.Application(middlewares=[cpu_header_middleware])
    SimpleRequestHandler(dp, bot, secret_token=SECRET, handle_in_background=False).register(
        app, path="/hook"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token=SECRET)
    yield telegram
    await runner.cleanup()
    await bot.session.close()
    await telegram.stop()


async def test_an_update_is_answered_before_push_returns_with_its_cpu(
    served: LoadTelegram,
) -> None:
    assert served.webhook.endswith("/hook") and served.secret == SECRET
    user = served.user(7)
    await user.send("hello")
    # The webhook answered after the handler: its reply is in the chat already.
    assert user.last_text() == "echo: hello"
    await user.click("Press")
    assert user.last_text() == "pressed p:1"
    samples = served.reset()
    assert len(samples.wall) == len(samples.cpu) == 2 and samples.errors == 0
    assert all(cpu > 0 for cpu in samples.cpu)
    assert served.sent_to[("sendmessage", 7)] == 1
    assert served.reset().wall == []  # a new measurement starts empty


async def test_refused_and_failed_updates_are_counted(served: LoadTelegram) -> None:
    served.secret = "wrong"
    await served.user(8).send("hello")
    samples = served.reset()
    assert samples.errors == 1 and samples.cpu and len(samples.wall) == 1
    assert served.update_errors["webhook answered 401"] == 1
    assert served.user(8).last_message() is None  # the bot never saw it


async def test_no_answer_is_counted_not_raised() -> None:
    telegram = LoadTelegram()
    await telegram.start()
    telegram.webhook = "http://127.0.0.1:9/nobody-listens"
    try:
        await telegram.user(9).send("hello")
    finally:
        await telegram.stop()
    samples = telegram.samples
    assert samples.errors == 1 and samples.cpu == [] and len(samples.wall) == 1
    assert any("no answer" in error for error in telegram.update_errors)


async def test_paced_latency_counts_from_the_slot(served: LoadTelegram) -> None:
    pacer = Pacer(rate=1.0, start=time.perf_counter() - 5)  # a slot 5 s ago: late by that
    await pacer.slot()
    await served.user(10).send("late")
    Pacer.clear()
    await served.user(10).send("on time")
    late, on_time = served.reset().wall
    assert late > 5.0 > on_time


async def test_a_handler_that_raised_is_an_error(served: LoadTelegram) -> None:
    await served.user(11).send("boom")
    samples = served.reset()
    assert samples.errors == 1
    assert served.update_errors["webhook answered 500"] == 1


def test_the_cpu_header_is_the_one_the_harness_reads() -> None:
    assert CPU_HEADER == "X-Bench-Cpu"
