"""A scripted conversation with a real aiogram bot: metrics counted, log lines tagged, no token."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from kit import FakeTelegram

from kiegram.ops.logging import setup_logging
from kiegram.ops.metrics import Metrics
from kiegram.ops.middleware import MetricsMiddleware, TelegramErrorMiddleware
from kiegram.ops.redaction import REDACTOR, register_secret

log = logging.getLogger("kiegram.bot.test")


def build_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        log.info("start pressed")
        button = InlineKeyboardButton(text="Go", callback_data="go")
        await message.answer("hi", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))

    @router.message(F.text == "boom")
    async def boom(message: Message) -> None:
        raise RuntimeError("handler bug")

    @router.message(F.text == "reply")
    async def reply(message: Message) -> None:
        await message.answer("ok")

    @router.callback_query(F.data == "go")
    async def go(query: CallbackQuery) -> None:
        await query.answer()

    return router


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    setup_logging("DEBUG", "json", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    REDACTOR.clear()


@pytest.fixture
async def running(captured: io.StringIO) -> AsyncIterator[tuple[FakeTelegram, Metrics]]:
    telegram = FakeTelegram()
    await telegram.start()
    register_secret(telegram.token)
    metrics = Metrics()
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    session.middleware(TelegramErrorMiddleware(metrics))
    bot = Bot(telegram.token, session=session)
    dp = Dispatcher()
    dp.update.outer_middleware(MetricsMiddleware(metrics))
    dp.include_router(build_router())
    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, polling_timeout=1))
    yield telegram, metrics
    await dp.stop_polling()
    await task
    await bot.session.close()
    await telegram.stop()


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_conversation_is_counted_and_logged(
    running: tuple[FakeTelegram, Metrics], captured: io.StringIO
) -> None:
    telegram, metrics = running
    user = telegram.user(501)
    await user.send("/start")
    await user.click("Go")
    await user.send("boom")
    await user.send("what?")
    telegram.fail_next("sendMessage", {"error_code": 403, "description": "Forbidden: blocked"})
    await user.send("reply")
    await user.send("reply")

    assert sample(metrics, "kiegram_updates_total", type="message", outcome="handled") == 2
    assert sample(metrics, "kiegram_updates_total", type="message", outcome="error") == 2
    assert sample(metrics, "kiegram_updates_total", type="message", outcome="unhandled") == 1
    assert sample(metrics, "kiegram_updates_total", type="callback_query", outcome="handled") == 1
    assert sample(metrics, "kiegram_handler_seconds_count", type="message") == 5
    errors = sample(
        metrics,
        "kiegram_telegram_errors_total",
        method="sendMessage",
        error="TelegramForbiddenError",
    )
    assert errors == 1

    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert telegram.token not in captured.getvalue()
    assert telegram.token.split(":")[1] not in captured.getvalue()
    start = next(line for line in lines if line["msg"] == "start pressed")
    assert start["user_id"] == 501 and start["update_id"] == 1
    failure = next(line for line in lines if "handler bug" in line.get("exc", ""))
    assert failure["level"] == "ERROR"


async def test_a_cancelled_update_is_counted_as_cancelled_not_as_an_error() -> None:
    metrics = Metrics()
    middleware = MetricsMiddleware(metrics)
    update = Update.model_validate(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "text": "hi",
            },
        }
    )

    async def stuck(_event: Any, _data: dict[str, Any]) -> None:
        await asyncio.Event().wait()

    task = asyncio.create_task(middleware(stuck, update, {}))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sample(metrics, "kiegram_updates_total", type="message", outcome="cancelled") == 1
    assert sample(metrics, "kiegram_updates_total", type="message", outcome="error") is None
