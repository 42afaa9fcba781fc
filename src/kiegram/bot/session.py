"""Bot API request middleware: wait out Telegram's flood control instead of failing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[Any]]


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
