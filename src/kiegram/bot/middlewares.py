"""Middlewares: the user's language on every update."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject, User

from kiegram.bot.deps import bind
from kiegram.i18n import LANGS, Translator, pick_lang
from kiegram.scale.webhook import REPLY_ALLOWED

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


class AnswerFirst(BaseMiddleware):
    """Answers every button press, so no button keeps spinning.

    While polling the press is answered before any work. A press that came by webhook
    (`mount_webhook` allows replies) is answered in the webhook's reply, which goes out as
    soon as the handler is done (the webhook answers after the handler): one Bot API call
    fewer per press. A handler that raised, or returned a method of its own, gets the press
    answered by a call. An expired query never blocks the press.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        if not data.get(REPLY_ALLOWED):
            await _answer(event)
            return await handler(event, data)
        try:
            result = await handler(event, data)
        except Exception:
            await _answer(event)
            raise
        if result is None:
            return event.answer()  # AnswerCallbackQuery, sent in the webhook's reply
        await _answer(event)
        return result


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramBadRequest as exc:
        # "query is too old" after a restart or a backlog: the press still counts.
        log.info("callback %s not answered: %s", query.id, exc.message)
