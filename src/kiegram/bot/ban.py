"""Banned users: one polite line for anything they send, and nothing runs.

The ban is stored twice: `users.blocked` (the truth: broadcasts skip it, the admin's card
shows it) and a `ban` flag in the user's conversation data, which every update reads anyway
(the FSM middleware loads the conversation before any handler; the language middleware reads
its data). So the guard costs no database round trip for anyone; a user who is not banned
pays one dictionary look-up.

The flag is written under the user's own conversation lock (`set_ban`): an update of theirs
still in flight, which stores its conversation when it ends, cannot overwrite it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery, TelegramObject

from kiegram.billing.ports import UserStore
from kiegram.bot.deps import Text

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
FLAG = "ban"  # the conversation data's key


class BanGuard(BaseMiddleware):
    """Stops every update of a banned user with one line (after `LangMiddleware`, for `_`).

    A payment that went through is let pass: Telegram charged the user before the ban could
    refuse the checkout, and its units are credited exactly once like any other.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if state is None or not (await state.get_data()).get(FLAG):
            return await handler(event, data)
        if isinstance(event, Message) and event.successful_payment is not None:
            return await handler(event, data)
        await _refuse(event, data["_"])
        return None


async def _refuse(event: TelegramObject, _: Text) -> None:
    text = _("ban.refused")
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    elif isinstance(event, PreCheckoutQuery):
        await event.answer(ok=False, error_message=text)


async def set_ban(
    dispatcher: Dispatcher, bot: Bot, users: UserStore, user_id: int, banned: bool
) -> None:
    """Ban or unban: the stored flag, then the conversation's (under the user's lock)."""
    await users.set_blocked(user_id, banned)
    context = dispatcher.fsm.get_context(bot, chat_id=user_id, user_id=user_id)
    async with dispatcher.fsm.events_isolation.lock(context.key):
        data = await context.get_data()
        if banned:
            data[FLAG] = True
        else:
            data.pop(FLAG, None)
        await context.set_data(data)


async def tell_unbanned(bot: Bot, user_id: int, text: str) -> None:
    """Let an unbanned user know (one who blocked the bot meanwhile is only logged)."""
    try:
        await bot.send_message(user_id, text)
    except TelegramAPIError as exc:
        log.info("user %s not told about the unban: %s", user_id, exc)
