"""The Bot API stand-in works with a real aiogram bot over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from echo_kit import echo_dispatcher
from kit import FakeTelegram


@pytest.fixture
async def echo() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    base = await server.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    bot = Bot(server.token, session=session)
    dp = echo_dispatcher(bot)

    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, polling_timeout=1))
    yield server
    await dp.stop_polling()
    await task
    await bot.session.close()
    await server.stop()


async def test_text_buttons_and_edits(echo: FakeTelegram) -> None:
    user = echo.user(7)
    await user.send("hello")
    assert user.last_text() == "echo: hello"
    assert user.buttons() == ["Press me"]
    await user.click("Press")
    assert user.last_text() == "pressed p:1"
    assert len(user.answered_callbacks()) == 1


async def test_user_photo_is_downloadable(echo: FakeTelegram) -> None:
    user = echo.user(8)
    await user.send_photo(b"\x89PNG fake bytes")
    assert user.last_text() == "got 15 bytes"


async def test_wrong_token_is_refused(echo: FakeTelegram) -> None:
    bot = Bot("1:wrong", session=AiohttpSession(api=TelegramAPIServer.from_base(echo.base_url)))
    with pytest.raises(Exception, match="Unauthorized"):
        await bot.get_me()
    await bot.session.close()


async def test_a_method_in_a_webhook_reply_is_carried_out() -> None:
    server = FakeTelegram()
    boundary = "webhookBoundaryX"
    parts = [
        b'Content-Disposition: form-data; name="method"\r\n\r\nsendPhoto',
        b'Content-Disposition: form-data; name="chat_id"\r\n\r\n7',
        b'Content-Disposition: form-data; name="photo"; filename="p.png"\r\n\r\n\x89PNG\xff\x00',
    ]
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    await server.run_webhook_reply(body, headers)
    await server.run_webhook_reply(b"{}", {"Content-Type": "application/json"})
    answer = b'{"method": "answerCallbackQuery", "callback_query_id": "5"}'
    await server.run_webhook_reply(answer, {"Content-Type": "application/json"})
    photo, answered = server.calls
    assert (photo.method, photo.params, photo.files, photo.reply) == (
        "sendphoto",
        {"chat_id": "7"},
        {"photo": b"\x89PNG\xff\x00"},
        True,
    )
    assert answered.method == "answercallbackquery" and answered.params["callback_query_id"] == "5"
    assert server.user(7).last_message() is not None  # the photo is in the chat
