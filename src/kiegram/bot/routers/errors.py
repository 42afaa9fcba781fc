"""A handler that failed still leaves the user with an answer.

Whatever a handler raised (a database that just restarted, a bug), the user who sent the
update is told, in their Telegram language, that it did not work and that they may try
again; the exception then goes on to aiogram, which logs it with its traceback.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent, Update, User

from kiegram.i18n import Translator, pick_lang

log = logging.getLogger(__name__)


def sender(update: Update) -> User | None:
    """Who sent the update (a message, a button press, a payment question), if anyone."""
    event = update.event
    user = getattr(event, "from_user", None)
    return user if isinstance(user, User) else None


async def on_error(event: ErrorEvent, bot: Bot, translator: Translator) -> None:
    """Tell the user, then re-raise for aiogram's log."""
    user = sender(event.update)
    if user is not None and not user.is_bot:
        text = translator(pick_lang(user.language_code), "bot.failed")
        try:
            await bot.send_message(user.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell user %s that an update failed: %s", user.id, exc)
    raise event.exception


def build_router() -> Router:
    """The error handler (for `dp.include_router`; it sees errors of every router)."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
