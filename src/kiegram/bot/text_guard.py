"""Refuses an update carrying text no database stores: a NUL byte or a lone surrogate.

PostgreSQL refuses a NUL in text (`CharacterNotInRepertoireError`) and UTF-8 has no lone
surrogate, so such a string reaching a statement made the update fail with an apology, or
Telegram re-send it. Telegram's clients never send one; a forged or broken update might. The
strings of an update that reach the database or a query (texts, captions, button data, file
names, the sender's names) are checked before anything reads the conversation: the update
goes no further, and the user behind it is told in a clear line why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject, Update, User

from kiegram.i18n import Translator, pick_lang
from kiegram.scale.middleware_order import before_conversation

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
TEXT_FIELDS = ("text", "caption", "data", "query", "invoice_payload", "media_group_id")
FILE_FIELDS = ("document", "audio", "video", "animation", "voice")
NAME_FIELDS = ("username", "first_name", "last_name", "language_code")


def unstorable(value: object) -> bool:
    """True for a string with a NUL or a lone surrogate."""
    return isinstance(value, str) and UNSTORABLE.search(value) is not None


def carries_unstorable(event: object) -> bool:
    """Whether a text, caption, button data, file name or sender name of `event` is
    `unstorable` (a plain loop: this runs for every update)."""
    search = UNSTORABLE.search
    for name in TEXT_FIELDS:
        value = getattr(event, name, None)
        if value.__class__ is str and search(value) is not None:
            return True
    for name in FILE_FIELDS:
        file = getattr(event, name, None)
        if file is not None and unstorable(getattr(file, "file_name", None)):
            return True
    user = getattr(event, "from_user", None)
    if user is not None:
        for name in NAME_FIELDS:
            value = getattr(user, name, None)
            if value.__class__ is str and search(value) is not None:
                return True
    return False


class TextGuard(BaseMiddleware):
    """An update outer middleware: stops an update with an unstorable string (module doc)."""

    def __init__(self, translator: Translator, counted: Callable[[str], None] | None) -> None:
        self.translator = translator
        self.counted = counted
        self.refused = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        try:
            inner = event.event
        except LookupError:  # an update type this aiogram does not know: nothing to check
            return await handler(event, data)
        if not carries_unstorable(inner):
            return await handler(event, data)
        self.refused += 1
        log.warning("update %s refused: a NUL or lone surrogate in its text", event.update_id)
        if self.counted is not None:
            self.counted("bad_text")
        bot = data.get("bot")
        if isinstance(bot, Bot):
            await self._tell(bot, inner)
        return None

    async def _tell(self, bot: Bot, event: object) -> None:
        user = getattr(event, "from_user", None)
        if not isinstance(user, User) or user.is_bot:
            return
        code = user.language_code if not unstorable(user.language_code) else None
        text = self.translator(pick_lang(code), "recovery.bad_text")
        try:
            if isinstance(event, CallbackQuery):
                await bot.answer_callback_query(event.id)
            await bot.send_message(user.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell user %s that their update was refused: %s", user.id, exc)


def guard_texts(
    dp: Dispatcher, translator: Translator, counted: Callable[[str], None] | None
) -> TextGuard:
    """Install the guard on `dp`'s updates, before the conversation is read or locked."""
    guard = TextGuard(translator, counted)
    before_conversation(dp, guard)
    return guard
