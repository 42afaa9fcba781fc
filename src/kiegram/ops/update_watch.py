"""Whether updates can reach the bot: the "updates" check of /readyz.

With long polling, aiogram's loop logs a failed `getUpdates` and tries again, forever: a
process whose token was revoked, or that cannot reach Telegram, looked ready. `UpdateWatch`
sits in the Bot API session and notes when `getUpdates` last answered; the source is healthy
while that was less than `stale_after` seconds ago (a long poll answers at least every
polling timeout, 10 s by default). Behind a webhook Telegram pushes the updates: the source is
healthy once Telegram accepted the webhook.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, SetWebhook, TelegramMethod
from aiogram.methods.base import Response, TelegramType


class UpdateWatch(BaseRequestMiddleware):
    """A request middleware noting the update source's last sign of life."""

    def __init__(self, stale_after: float = 90.0, clock: Callable[[], float] = time.monotonic):
        self.stale_after = stale_after
        self._clock = clock
        self._polled_at: float | None = None
        self._webhook = False

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)  # a refusal raises: nothing is noted
        if isinstance(method, GetUpdates):
            self._polled_at = self._clock()
        elif isinstance(method, SetWebhook):
            self._webhook = True
        return response

    def healthy(self) -> bool:
        """True behind an accepted webhook, or while long polling answers."""
        if self._webhook:
            return True
        polled = self._polled_at
        return polled is not None and self._clock() - polled < self.stale_after
