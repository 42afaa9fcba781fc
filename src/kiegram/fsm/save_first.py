"""Save the conversation before Telegram shows it (issue #26: a confirm never lost to a kill).

`CachedStorage` keeps an update's conversation writes and stores them when the update ends.
A handler sends its screen before that: an instance killed between the two left the user
looking at a step the stored state did not know (a confirm screen over a prompt step), and
the press on it was refused as a stale button, no job made. `SaveFirst`, a Bot API request
middleware, stores the running update's writes before every call it makes (sends, edits,
answers alike: a call with nothing written before it costs nothing). A kill now leaves the
state at most one step ahead of what the user saw; a press on that older screen in the same
session is answered by the wizard, which re-shows the current step.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from kiegram.fsm.base import CachedStorage


class SaveFirst(BaseRequestMiddleware):
    """Stores the update's conversation writes before each Bot API call (module doc)."""

    def __init__(self, storage: CachedStorage) -> None:
        self.storage = storage

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        await self.storage.save_now()
        return await make_request(bot, method)
