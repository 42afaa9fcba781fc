"""aiogram hooks: time and count every update, tag its log lines, count Bot API errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramAPIError
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update, User

from kiegram.ops.logging import log_context
from kiegram.ops.metrics import Metrics

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
Clock = Callable[[], float]


class MetricsMiddleware(BaseMiddleware):
    """Outer `dp.update` middleware: log context, latency and outcome of every update."""

    def __init__(self, metrics: Metrics, clock: Clock = time.perf_counter) -> None:
        self.metrics = metrics
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Run the update's handlers inside a log context and record how it ended."""
        kind = event.event_type if isinstance(event, Update) else type(event).__name__.lower()
        update_id = event.update_id if isinstance(event, Update) else None
        user: User | None = data.get("event_from_user")
        started = self.clock()
        outcome = "error"
        with log_context(update_id=update_id, user_id=user.id if user else None):
            try:
                result = await handler(event, data)
                outcome = "unhandled" if result is UNHANDLED else "handled"
                return result
            except asyncio.CancelledError:
                outcome = "cancelled"  # shutdown or a caller gave up: not the handler's fault
                raise
            finally:
                self.metrics.update_handled(kind, outcome, self.clock() - started)


class TelegramErrorMiddleware(BaseRequestMiddleware):
    """Session middleware (`bot.session.middleware(...)`): counts failed Bot API calls."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Pass the call on; count it by method and error class when it fails."""
        try:
            return await make_request(bot, method)
        except TelegramAPIError as exc:
            self.metrics.telegram_error(method.__api_method__, type(exc).__name__)
            raise
