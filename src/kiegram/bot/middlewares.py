"""Middlewares: the user's language on every update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from kiegram.bot.deps import bind
from kiegram.i18n import Translator, pick_lang

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class LangMiddleware(BaseMiddleware):
    """Injects `lang` and `_` (bound translator): the stored choice, else Telegram's."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        state: FSMContext | None = data.get("state")
        stored = (await state.get_data()).get("lang") if state is not None else None
        lang = stored or pick_lang(user.language_code if user else None)
        data["lang"] = lang
        data["_"] = bind(self.translator, lang)
        return await handler(event, data)
