"""Every button press is answered: first while polling, in the webhook's reply otherwise."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, ErrorEvent, Update, User
from kit import FakeTelegram

from kiegram.bot import middlewares
from kiegram.bot.middlewares import AnswerFirst, answer_if_unanswered
from kiegram.bot.routers.errors import on_error
from kiegram.i18n import load_translator
from kiegram.scale.webhook import REPLY_ALLOWED

_ids = itertools.count(1)


@pytest.fixture
async def press() -> AsyncIterator[tuple[FakeTelegram, CallbackQuery]]:
    server = FakeTelegram()
    base = await server.start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    user = User(id=5, is_bot=False, first_name="U")
    query_id = f"q{next(_ids)}"  # the answered-press marker is per query id
    query = CallbackQuery(id=query_id, from_user=user, chat_instance="1", data="x").as_(bot)
    yield server, query
    await bot.session.close()
    await server.stop()


def bound(query: CallbackQuery) -> Bot:
    assert query.bot is not None
    return query.bot


async def handles(_event: Any, _data: dict[str, Any]) -> None:
    return None


async def broken(_event: Any, _data: dict[str, Any]) -> None:
    raise RuntimeError("broken")


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

    result = await AnswerFirst()(handles, query, {REPLY_ALLOWED: True})
    assert isinstance(result, AnswerCallbackQuery) and result.callback_query_id == query.id
    assert answers(server) == 0


async def test_by_webhook_a_failed_handler_leaves_the_answer_to_the_error_handler(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    with pytest.raises(RuntimeError, match="broken"):
        await AnswerFirst()(broken, query, {REPLY_ALLOWED: True})
    assert answers(server) == 0
    update = Update(update_id=1, callback_query=query)
    error = ErrorEvent(update=update, exception=RuntimeError("broken"))
    await on_error(error, bound(query), load_translator())
    await answer_if_unanswered(query)  # a second try changes nothing
    assert answers(server) == 1
    assert any(c.method == "sendmessage" for c in server.calls)  # and the apology


async def test_the_error_handler_does_not_answer_a_press_answered_first(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    with pytest.raises(RuntimeError):
        await AnswerFirst()(broken, query, {})  # polling: answered before the handler
    error = ErrorEvent(update=Update(update_id=2, callback_query=query), exception=RuntimeError())
    await on_error(error, bound(query), load_translator())
    assert answers(server) == 1


async def test_a_slow_handler_by_webhook_gets_the_press_answered_meanwhile(
    press: tuple[FakeTelegram, CallbackQuery], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, query = press
    monkeypatch.setattr(middlewares, "ANSWER_WITHIN", 0.05)
    seen: list[int] = []

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        await asyncio.sleep(0.3)
        seen.append(answers(server))

    assert await AnswerFirst()(handler, query, {REPLY_ALLOWED: True}) is None
    assert seen == [1] and answers(server) == 1  # answered while it worked, not again


async def test_a_skipped_handler_leaves_one_answer_to_the_next(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press

    async def skips(_event: Any, _data: dict[str, Any]) -> None:
        raise SkipHandler

    for data in ({}, {REPLY_ALLOWED: True}):
        server.calls.clear()
        with pytest.raises(SkipHandler):
            await AnswerFirst()(skips, query, dict(data))
        result = await AnswerFirst()(handles, query, dict(data))
        answered = answers(server) + isinstance(result, AnswerCallbackQuery)
        assert answered == 1, data
        middlewares._answered.set(None)


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


async def test_telegram_failing_to_take_the_answer_does_not_block_the_press(
    press: tuple[FakeTelegram, CallbackQuery],
) -> None:
    server, query = press
    server.fail_next("answerCallbackQuery", {"error_code": 500, "description": "Internal error"})
    ran: list[bool] = []

    async def handler(_event: Any, _data: dict[str, Any]) -> None:
        ran.append(True)

    await AnswerFirst()(handler, query, {})
    assert ran == [True]
