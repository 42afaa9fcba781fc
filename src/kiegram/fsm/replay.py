"""Telegram re-sending an update whose effect is stored: shown again, not applied again.

An instance killed after storing an update's conversation writes (`fsm.save_first` stores
them before each Bot API call) but before answering it gets the update re-sent, by webhook
to another instance, by long polling to itself once restarted. Applied again, a "Next" press
moved the wizard one step further than the user pressed. The storage keeps the id of the
update that last changed a conversation in the same write as the change (`fsm.base.MARK`);
`MarkUpdates` tells it which update is running, and a handler asks `replayed` before
applying an answer: on a re-send it shows the current screen again instead.

Every other handler that changes state or money is flagged `once` (`ONCE`) and its router
guarded (`guard`): the `Once` middleware marks the conversation with the update before the
handler runs (stored before its first Bot API call, as any write: `fsm.save_first`), so even
a handler that writes nothing else (a chat question, a promo code) is recognised when re-sent,
and a re-send is answered "done already" instead of being applied again. A re-send that the
changed state routes elsewhere (an admin's amount, once the panel stopped waiting) meets the
`Resent` filter of that router first. Money has its natural key too (a payment's charge id,
an adjustment's message id, a promo's user and code): a re-send never moves it twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher, Router
from aiogram.dispatcher.flags import get_flag
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from kiegram.fsm.base import CachedStorage, updating
from kiegram.scale.middleware_order import before_conversation

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# The handler flag (`flags={ONCE: True}`) of a handler whose effect must not happen twice.
ONCE = "once"
DONE = "replay.done"


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


async def mark(state: FSMContext) -> None:
    """Record the running update as one that changed this conversation (`CachedStorage.mark`)."""
    storage = state.storage
    if isinstance(storage, CachedStorage):
        await storage.mark(state.key)


async def done_already(event: TelegramObject, _: Callable[..., str]) -> None:
    """The one answer to a re-send: its effect happened already, so it is not repeated
    (also a handler, after the `Resent` filter)."""
    text = _(DONE)
    if isinstance(event, CallbackQuery):
        await event.answer(text)
    elif isinstance(event, Message):
        await event.answer(text)


class Once(BaseMiddleware):
    """A router's inner middleware: a handler flagged `ONCE` is not run for a re-sent update
    (answered "done already"); for a first delivery the conversation is marked first."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state = data.get("state")
        if not get_flag(data, ONCE) or not isinstance(state, FSMContext):
            return await handler(event, data)
        if await replayed(state):
            return await done_already(event, data["_"])
        await mark(state)
        return await handler(event, data)


class Resent(Filter):
    """A re-sent update whose effect is stored (for a router whose handlers read the state
    anyway: the check costs no round trip there); not while the data holds `unless` (the
    open wizard shows its own step again)."""

    def __init__(self, unless: str | None = None) -> None:
        self.unless = unless

    async def __call__(self, event: TelegramObject, state: FSMContext) -> bool:
        if not await replayed(state):
            return False
        return self.unless is None or not (await state.get_data()).get(self.unless)


def guard(router: Router) -> Router:
    """Install `Once` on the router's messages and button presses; returns the router."""
    router.message.middleware(Once())
    router.callback_query.middleware(Once())
    return router
