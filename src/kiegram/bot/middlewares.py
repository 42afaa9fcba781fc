"""Middlewares: the user's language and wizard conversation on every update; answered presses."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, TelegramObject, User

from kiegram.bot.conversation import Conversation
from kiegram.bot.deps import bind
from kiegram.bot.prices import PriceBook
from kiegram.i18n import LANGS, Translator, pick_lang
from kiegram.scale.webhook import REPLY_ALLOWED
from kiegram.wizard import Wizard

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def chosen_lang(state: FSMContext | None) -> str | None:
    """The language the user chose with /lang, if any."""
    lang = (await state.get_data()).get("lang") if state is not None else None
    return lang if lang in LANGS else None


class LangMiddleware(BaseMiddleware):
    """Injects `lang` and `_` (bound translator): the stored choice, else Telegram's."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        state: FSMContext | None = data.get("state")
        lang = await chosen_lang(state) or pick_lang(user.language_code if user else None)
        data["lang"] = lang
        data["_"] = bind(self.translator, lang)
        return await handler(event, data)


class ConversationMiddleware(BaseMiddleware):
    """Injects `conv`: the chat's wizard `Conversation`, built once per update (after
    `LangMiddleware`) from the dispatcher's `bot`, `wizard`, `translator` and `prices`, the
    update's FSM `state` and the user's `lang`. A handler names `conv: Conversation`."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        wizard: Wizard | None = data.get("wizard")
        prices: PriceBook | None = data.get("prices")
        # A button's chat is its message's; a press on a message too old to see is the user's.
        chat_id = chat.id if chat is not None else user.id if user is not None else None
        if state is None or chat_id is None or wizard is None or prices is None:
            return await handler(event, data)  # no chat, or a dispatcher without the wizard
        bot: Bot = data["bot"]
        translator: Translator = data["translator"]
        data["conv"] = Conversation(bot, chat_id, state, wizard, translator, prices, data["lang"])
        return await handler(event, data)


# The button press this update's task answered by a Bot API call, if any (a handler that
# skipped, the error handler and a slow handler's early answer all look here).
_answered: contextvars.ContextVar[str | None] = contextvars.ContextVar("answered", default=None)
ANSWER_WITHIN = 1.0  # seconds a press may wait for the webhook's reply before a call answers


class AnswerFirst(BaseMiddleware):
    """Answers every button press once, so no button keeps spinning.

    While polling the press is answered before any work. A press that came by webhook
    (`mount_webhook` allows replies) is answered in the webhook's reply instead, which goes
    out once the update is handled (the webhook answers after the handler): one Bot API call
    fewer per press. A handler still busy after `ANSWER_WITHIN` seconds gets the press
    answered by a call at that moment; one that returned a result of its own gets it answered
    by a call; one that raised leaves it to the error handler (`answer_if_unanswered`), which
    also covers a failure after the handler. An expired query never blocks the press.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery) or _answered.get() == event.id:
            return await handler(event, data)
        if not data.get(REPLY_ALLOWED):
            await answer_if_unanswered(event)
            return await handler(event, data)
        early: list[asyncio.Task[None]] = []  # the answer a slow handler got meanwhile
        timer = asyncio.get_running_loop().call_later(
            ANSWER_WITHIN, lambda: early.append(asyncio.create_task(_answer(event)))
        )
        try:
            result = await handler(event, data)
        finally:
            timer.cancel()
            if early:  # answered meanwhile: the error handler (if it raised) knows
                await early[0]
                _answered.set(event.id)
        if early:
            return result
        if result is None:
            return event.answer()  # AnswerCallbackQuery, sent in the webhook's reply
        await answer_if_unanswered(event)
        return result


async def answer_if_unanswered(query: CallbackQuery) -> None:
    """Answer the press by a call unless this update already did (an expired query is logged,
    never raised: the press still counts)."""
    if _answered.get() == query.id:
        return
    _answered.set(query.id)
    await _answer(query)


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramBadRequest as exc:
        # "query is too old" after a restart or a backlog: the press still counts.
        log.info("callback %s not answered: %s", query.id, exc.message)
    except TelegramAPIError as exc:  # Telegram unreachable: the press still counts
        log.warning("callback %s not answered: %s", query.id, exc)
