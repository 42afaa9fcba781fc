"""BotApiSession: JSON bodies, uploads still multipart, lean replies, aiogram's value rules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import cast

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from kit import FakeTelegram

from kiegram.bot.session import BotApiSession, loads_reply

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text=f"Модель {i}", callback_data=f"g:m{i}")] for i in range(3)
    ]
)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    session = BotApiSession(api=TelegramAPIServer.from_base(telegram.base_url))
    bot = Bot(telegram.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_a_message_goes_as_json_with_its_keyboard_as_an_object(
    bot: Bot, telegram: FakeTelegram
) -> None:
    sent = await bot.send_message(42, "<b>привет</b> 👋", reply_markup=KEYBOARD)
    call = telegram.calls[-1]
    assert call.method == "sendmessage"
    # A form would have sent every value as text: "42", and the keyboard as a JSON string.
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "<b>привет</b> 👋"
    assert call.params["parse_mode"] == "HTML"  # the bot's default, resolved
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": f"Модель {i}", "callback_data": f"g:m{i}"}] for i in range(3)]
    }
    assert sent.message_id and sent.text == "<b>привет</b> 👋"
    # Our own keyboard is not rebuilt from the reply (nothing reads it back).
    assert sent.reply_markup is None


async def test_false_and_zero_are_sent_none_is_left_out(bot: Bot, telegram: FakeTelegram) -> None:
    await bot.answer_callback_query("q1", text="", show_alert=False, cache_time=0)
    params = telegram.calls[-1].params
    assert params["show_alert"] is False
    assert params["cache_time"] == 0
    assert "text" not in params  # aiogram's form leaves empty text out too
    assert "url" not in params


async def test_an_upload_still_goes_as_multipart_with_its_bytes(
    bot: Bot, telegram: FakeTelegram
) -> None:
    photo = BufferedInputFile(b"\x89PNG fake bytes", filename="fox.png")
    sent = await bot.send_photo(7, photo, caption="лиса", reply_markup=KEYBOARD)
    call = telegram.calls[-1]
    assert call.method == "sendphoto"
    assert list(call.files.values()) == [b"\x89PNG fake bytes"]
    assert call.params["caption"] == "лиса"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "g:m0"
    assert sent.photo


async def test_a_document_named_in_cyrillic_arrives_whole(bot: Bot, telegram: FakeTelegram) -> None:
    data = b"line one\r\n\r\nline two\r\n"  # blank lines and CRLFs inside the file
    await bot.send_document(7, BufferedInputFile(data, filename="лиса в снегу.txt"), caption="x")
    call = telegram.calls[-1]
    assert call.method == "senddocument"
    assert list(call.files.values()) == [data]
    assert call.params["caption"] == "x" and str(call.params["chat_id"]) == "7"
    await bot.send_document(7, BufferedInputFile(data, filename='the "red" fox.txt'))
    assert list(telegram.calls[-1].files.values()) == [data]


async def test_a_refusal_is_still_aiograms_error(bot: Bot, telegram: FakeTelegram) -> None:
    sent = await bot.send_message(5, "same")
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text(text="same", chat_id=5, message_id=sent.message_id)


def test_only_returned_messages_lose_their_keyboard() -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    one = loads_reply(
        f'{{"ok": true, "result": {json.dumps({**message, "reply_markup": markup})}}}'
    )
    assert "reply_markup" not in one["result"]
    album = loads_reply(
        f'{{"ok": true, "result": [{json.dumps({**message, "reply_markup": markup})}]}}'
    )
    assert "reply_markup" not in album["result"][0]
    assert loads_reply('{"ok": true, "result": true}') == {"ok": True, "result": True}


def test_updates_lose_only_the_pressed_messages_keyboard() -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    pressed = {"id": "9", "data": "b", "message": {**message, "reply_markup": markup}}
    update = {"update_id": 3, "callback_query": pressed}
    # getUpdates' reply and a webhook's body (aiogram parses it with the session's loads)
    polled = loads_reply(f'{{"ok": true, "result": [{json.dumps(update)}]}}')["result"][0]
    hooked = loads_reply(json.dumps(update))
    for parsed in (polled, hooked):
        assert parsed["callback_query"] == {"id": "9", "data": "b", "message": message}
    # A user's message keeps its keyboard (one sent via an inline bot has one).
    sent = {"update_id": 4, "message": {**message, "reply_markup": markup}}
    assert loads_reply(json.dumps(sent)) == sent
    assert loads_reply("[1, 2]") == [1, 2]


def _closing_when_reused(session: BotApiSession, times: int) -> list[int]:
    """The next `times` kept-alive connections handed out are found closing as the request
    is written (the peer's close arriving just then); returns their count so far."""
    closed: list[int] = []

    async def reused(*_args: object) -> None:
        if len(closed) < times:
            for proto in list(session._session.connector._acquired):  # type: ignore[union-attr]
                proto.transport.is_closing = lambda: True  # type: ignore[method-assign]
            closed.append(1)

    trace = aiohttp.TraceConfig()
    trace.on_connection_reuseconn.append(reused)
    trace.freeze()
    session._session._trace_configs.append(trace)  # type: ignore[union-attr]
    return closed


async def test_a_request_on_a_connection_found_closing_goes_again_on_a_new_one(
    bot: Bot, telegram: FakeTelegram
) -> None:
    await bot.send_message(42, "первое")  # a connection to keep alive
    closed = _closing_when_reused(cast(BotApiSession, bot.session), times=1)
    sent = await bot.send_message(42, "второе")
    assert closed == [1]
    assert sent.text == "второе"
    assert [c.params["text"] for c in telegram.calls if c.method == "sendmessage"] == [
        "первое",
        "второе",
    ]


async def test_a_second_closing_connection_is_an_error_and_nothing_is_sent_twice(
    bot: Bot, telegram: FakeTelegram
) -> None:
    await bot.send_message(42, "первое")
    await asyncio.gather(bot.send_message(42, "a"), bot.send_message(42, "b"))  # two kept
    closed = _closing_when_reused(cast(BotApiSession, bot.session), times=2)
    with pytest.raises(TelegramNetworkError, match=r"closing transport|write request body"):
        await bot.send_message(42, "второе")
    assert closed == [1, 1]
    assert "второе" not in [c.params.get("text") for c in telegram.calls]
