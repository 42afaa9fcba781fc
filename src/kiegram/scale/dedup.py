"""An outer middleware that lets each Telegram update through once across all instances."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from kiegram.scale.ports import UpdateGate

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def update_key(bot_id: int, update_id: int) -> str:
    """The gate key of one update of one bot (several bots may share a store)."""
    return f"{bot_id}:{update_id}"


class UpdateDedup(BaseMiddleware):
    """Drops an update another instance handles or handled (Telegram retries, rebalancing)."""

    def __init__(self, gate: UpdateGate, *, active: bool = True) -> None:
        self.gate = gate
        self.dropped = 0
        # Off while long polling (one instance confirms each update by its next getUpdates);
        # `mount_webhook` turns it on, as only webhooks get updates twice.
        self.active = active

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Claim the update, handle it, then mark it done (or give the claim back on error)."""
        if not self.active or not isinstance(event, Update):
            return await handler(event, data)
        bot = data.get("bot")
        key = update_key(bot.id if isinstance(bot, Bot) else 0, event.update_id)
        if not await self.gate.claim(key):
            self.dropped += 1
            log.info("update %s already handled elsewhere; dropped", key)
            return None
        try:
            result = await handler(event, data)
        except BaseException:
            # Failed or cancelled: let Telegram's retry be handled (here or elsewhere).
            await self.gate.release(key)
            raise
        await self.gate.done(key)
        return result
