"""An outer middleware that lets each Telegram update through once across all instances."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from kiegram.scale.heartbeat import renewed
from kiegram.scale.ports import CLAIM_SECONDS, LateDone, UpdateGate, late_done

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


# In the data of an update that came by webhook: a list the gate appends to when another
# instance is handling the update right now. The gate first waits for that claim a little
# longer than a claim lives: an instance that died holding it is passed over within
# `CLAIM_SECONDS` of its death and the update handled here and now, whatever Telegram's
# re-send pacing; only a claim still renewed after that (a live instance on a long update)
# is answered 409, so Telegram sends it again (`scale.webhook`).
BUSY = "webhook_update_busy"
BUSY_POLL = 0.1  # seconds between looks at a claim held elsewhere


def update_key(bot_id: int, update_id: int) -> str:
    """The gate key of one update of one bot (several bots may share a store)."""
    return f"{bot_id}:{update_id}"


class UpdateDedup(BaseMiddleware):
    """Drops an update another instance handles or handled (Telegram retries, rebalancing)."""

    def __init__(
        self, gate: UpdateGate, *, active: bool = True, claim_seconds: float = CLAIM_SECONDS
    ) -> None:
        self.gate = gate
        self.claim_seconds = claim_seconds
        self.dropped = 0
        self.busy = 0
        # Off while long polling (one instance confirms each update by its next getUpdates);
        # `mount_webhook` turns it on, as only webhooks get updates twice.
        self.active = active

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Claim the update, handle it, then mark it done (or give the claim back on error)."""
        if not self.active or not isinstance(event, Update):
            return await handler(event, data)
        bot = data.get("bot")
        key = update_key(bot.id if isinstance(bot, Bot) else 0, event.update_id)
        if not await self._claim(key, waiting=isinstance(data.get(BUSY), list)):
            if not await self.gate.handled(key):
                self.busy += 1
                log.info("update %s being handled elsewhere; Telegram will send it again", key)
                busy = data.get(BUSY)
                if isinstance(busy, list):
                    busy.append(key)
                return None
            self.dropped += 1
            log.info("update %s already handled elsewhere; dropped", key)
            return None
        late = LateDone(self.gate, key, asyncio.current_task())
        token = late_done.set(late)
        try:
            # The claim is short and renewed while the handler runs: a death shows in seconds.
            async with renewed(self.claim_seconds, lambda: self.gate.renew(key)):
                result = await handler(event, data)
        except BaseException:
            # Failed or cancelled: let Telegram's retry be handled (here or elsewhere).
            if not late.marked:
                await self.gate.release(key)
            raise
        finally:
            late_done.reset(token)
        if not late.marked:  # else marked with the conversation lock's release (`LateDone`)
            await self.gate.done(key)
        return result

    async def _claim(self, key: str, waiting: bool) -> bool:
        """Claim `key`; `waiting` (a webhook update), wait up to a claim's life (and a poll)
        for a claim held elsewhere to end: False once it is handled or still held."""
        if await self.gate.claim(key):
            return True
        if not waiting:
            return False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.claim_seconds + BUSY_POLL
        while loop.time() < deadline:
            if await self.gate.handled(key):
                return False
            await asyncio.sleep(BUSY_POLL)
            if await self.gate.claim(key):
                log.info("update %s: the claim held elsewhere ran out; handled here", key)
                return True
        return False
