"""Telegram re-sending an update whose effect is stored: shown again, not applied again.

An instance killed after storing an update's conversation writes (`fsm.save_first` stores
them before each Bot API call) but before answering it gets the update re-sent, by webhook
to another instance, by long polling to itself once restarted. Applied again, a "Next" press
moved the wizard one step further than the user pressed. The storage keeps the id of the
update that last changed a conversation in the same write as the change (`fsm.base.MARK`);
`MarkUpdates` tells it which update is running, and a handler asks `replayed` before
applying an answer: on a re-send it shows the current screen again instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update

from kiegram.fsm.base import CachedStorage, updating
from kiegram.scale.middleware_order import before_conversation

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class MarkUpdates(BaseMiddleware):
    """An update outer middleware (before the conversation is read): the running update's
    id, for the conversation writes it makes."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        token = updating.set(event.update_id)
        try:
            return await handler(event, data)
        finally:
            updating.reset(token)


def mark_updates(dp: Dispatcher) -> MarkUpdates:
    """Install `MarkUpdates` on `dp`, before its FSM middleware."""
    middleware = MarkUpdates()
    before_conversation(dp, middleware)
    return middleware


async def replayed(state: FSMContext) -> bool:
    """True when the running update is a re-send of one whose changes to this conversation
    were stored already (judged by what was stored when the update first read it, so its
    own writes do not change the answer)."""
    storage = state.storage
    return isinstance(storage, CachedStorage) and await storage.replayed(state.key)
