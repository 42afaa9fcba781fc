"""How the bot talks to the Bot API: JSON bodies, lean replies, flood control waited out.

`BotApiSession` is aiogram's aiohttp session with two changes measured on the hot path (an
edit with a 20-button keyboard cost ~1.1 ms of CPU, two thirds of it outside the handler):
requests without a file go as one JSON body (the Bot API takes `application/json` for every
method; multipart/urlencoded form building is aiogram's slowest step), and a reply that is
one of our own messages loses its `reply_markup` before aiogram validates it (we sent that
keyboard; rebuilding it as ~20 pydantic objects per reply was half the call, and nothing
reads it back). The same goes for the pressed message in a button's update, by `getUpdates`
or webhook (`scale.update_body.read_update` drops it there): a 20-button
keyboard tripled the update's validation (~245 against ~75 µs). Uploads keep aiogram's
multipart form. Request middlewares: `RetryAfter` waits out flood control;
`PinResponseModels` keeps aiogram's reply models built.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiohttp import ClientConnectionResetError, ClientError, ClientTimeout

from kiegram.jsontext import dumps, dumps_bytes, loads
from kiegram.scale.update_body import lean_pressed

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[Any]]
JSON_HEADERS = {"Content-Type": "application/json"}


def loads_reply(content: str | bytes) -> Any:
    """A Bot API reply or a webhook's update, without the keyboards we sent (module doc).

    Dropped: the keyboard of a returned message (or album), and in an update (a webhook's
    body, or each one `getUpdates` returns) the keyboard of the message whose button was
    pressed. Everything else is kept.
    """
    data = loads(content)
    if not isinstance(data, dict):
        return data
    result = data.get("result")
    for item in result if isinstance(result, list) else (result, data):
        if isinstance(item, dict):
            _lean(item)
    return data


def _lean(item: dict[str, Any]) -> None:
    """Drop our keyboard from a message we sent or from an update's pressed message."""
    if "message_id" in item:
        item.pop("reply_markup", None)
    elif "update_id" in item:
        lean_pressed(item)


class BotApiSession(AiohttpSession):
    """aiohttp Bot API session sending JSON bodies and parsing lean replies (module doc)."""

    def __init__(self, api: TelegramAPIServer) -> None:
        super().__init__(api=api, json_loads=loads_reply, json_dumps=dumps)

    def build_json(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The request as a JSON body; None when it uploads a file (multipart then).

        aiogram has no public way to prepare a value without encoding nested ones as JSON
        text (its form does that): `_dumps_json` is listed and checked in `kiegram.internals`.
        """
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            prepared = self._plain(value, bot, files)
            if prepared is not None and prepared != "":  # what aiogram's form leaves out
                body[key] = prepared
        return None if files else dumps_bytes(body)

    def _plain(self, value: Any, bot: Bot, files: dict[str, Any]) -> Any:
        """`prepare_value(value, _dumps_json=False)`, JSON's own types passed through as they
        are: a keyboard's hundred strings skip aiogram's ten type checks each."""
        kind = type(value)
        if kind is str or kind is int or kind is bool or kind is float:
            return value
        if kind is dict:
            return {
                key: item
                for key, raw in value.items()
                if (item := self._plain(raw, bot, files)) is not None
            }
        if kind is list:
            return [item for raw in value if (item := self._plain(raw, bot, files)) is not None]
        return self.prepare_value(value, bot=bot, files=files, _dumps_json=False)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        body = self.build_json(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        limit = ClientTimeout(total=self.timeout if timeout is None else timeout)
        for attempt in range(2):
            try:
                post = session.post(url, data=body, headers=JSON_HEADERS, timeout=limit)
                async with post as resp:
                    raw = await resp.text()
                break
            except TimeoutError as exc:
                raise TelegramNetworkError(method=method, message="Request timeout error") from exc
            except ClientError as exc:
                if not attempt and never_sent(exc):
                    # A kept-alive connection Telegram was closing as we took it: nothing of
                    # the request left, so it goes again on a new connection (once).
                    log.info("%s: the connection was closing; sent again", method.__api_method__)
                    continue
                message = f"{type(exc).__name__}: {exc}"
                raise TelegramNetworkError(method=method, message=message) from exc
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=raw)
        return cast(TelegramType, response.result)


def never_sent(exc: BaseException) -> bool:
    """Whether a request failed because its connection was already closing when the request
    was to be written: aiohttp's "Cannot write to closing transport", raised before a byte
    of it is sent, as the cause of the request's error (a request cut off midway is never
    carried out by a server either: it waits for the whole body)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ClientConnectionResetError) and "closing transport" in str(cause):
            return True
        cause = cause.__cause__
    return False


class RetryAfter(BaseRequestMiddleware):
    """Retries a request refused with 429 after the `retry_after` Telegram asks for."""

    def __init__(self, attempts: int = 3, max_wait: float = 60.0, sleep: Sleep = asyncio.sleep):
        self.attempts = attempts
        self.max_wait = max_wait
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(self.attempts):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts - 1 or exc.retry_after > self.max_wait:
                    raise
                log.info(
                    "%s: flood control, retrying in %s s", method.__api_method__, exc.retry_after
                )
                await self.sleep(exc.retry_after)
        raise AssertionError("unreachable")


class PinResponseModels(BaseRequestMiddleware):
    """Keeps aiogram's `Response[T]` classes alive, so pydantic builds each one only once.

    aiogram parametrises `Response[method.__returning__]` for every reply; pydantic caches
    parametrised generics only weakly, so after each garbage collection the next reply
    rebuilt its model and validator (~10 ms of CPU, a third of all requests in profiles).
    """

    def __init__(self) -> None:
        self.models: dict[Any, Any] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self.models:
            self.models[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
