"""Every button press is answered: first while polling, in the webhook's reply otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, User

from kiegram.bot.middlewares import AnswerFirst
from kiegram.scale.webhook import REPLY_ALLOWED
from kiegram.testing import FakeTelegram


@pytest.fixture
async def press() -> AsyncIterator[tuple[FakeTelegram, CallbackQuery]]:
    server = FakeTelegram()
    base = await server.start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    user = User(id=5, is_bot=False, first_name="U")
    query = CallbackQuery(id="q1", from_user=user, chat_instance="1", data="x").as_(bot)
    yield server, query
    await bot.session.close()
    await server.stop()


def answers(server: FakeTelegram) -> int:
    return sum(c.method == "answercallbackquery" for c in server.calls)


async def test_while_polling_the_press_is_answered_before_the_handler(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press
    seen: list[int] = []

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        seen.append(answers(server))

    assert await AnswerFirst()(handler, query, {}) is None
    assert seen == [1] and answers(server) == 1


async def test_by_webhook_the_answer_is_the_reply_and_no_call(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        return None

    result = await AnswerFirst()(handler, query, {REPLY_ALLOWED: True})
    assert isinstance(result, AnswerCallbackQuery) and result.callback_query_id == "q1"
    assert answers(server) == 0


async def test_by_webhook_a_failed_handler_gets_the_press_answered_by_a_call(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        await AnswerFirst()(handler, query, {REPLY_ALLOWED: True})
    assert answers(server) == 1


async def test_by_webhook_a_handler_with_its_own_result_keeps_it(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    async def handler(_event: Any, _data: dict[str, Any]) -> str:
        return "mine"

    assert await AnswerFirst()(handler, query, {REPLY_ALLOWED: True}) == "mine"
    assert answers(server) == 1


async def test_an_expired_query_does_not_block_the_press(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press
    server.fail_next(
        "answerCallbackQuery", {"error_code": 400, "description": "Bad Request: query is too old"}
    )
    ran: list[bool] = []

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        ran.append(True)

    await AnswerFirst()(handler, query, {})
    assert ran == [True]
