"""A handler that failed still leaves the user with an answer.

Whatever a handler raised (a database that just restarted, a bug), the user who sent the
update is told, in the language they chose with /lang (their Telegram language when that
cannot be read, e.g. the database is what failed), that it did not work and that they may
try again. The exception is logged with its traceback and the update counts as handled: a
webhook answers 200, so Telegram does not send it again (a retry of a bug would repeat the
apology for as long as Telegram retries, and hold up the updates behind it).
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import ErrorEvent, Update, User

from kiegram.bot.middlewares import answer_if_unanswered, chosen_lang
from kiegram.i18n import Translator, pick_lang

log = logging.getLogger(__name__)


def sender(update: Update) -> User | None:
    """Who sent the update (a message, a button press, a payment question), if anyone."""
    event = update.event
    user = getattr(event, "from_user", None)
    return user if isinstance(user, User) else None


async def readable_lang(state: FSMContext | None) -> str | None:
    """The language the user chose, if it can be read now."""
    try:
        return await chosen_lang(state)
    except Exception as exc:  # the failure may be the storage itself: fall back, say why
        log.warning("stored language not readable for the apology: %s", exc)
        return None


async def on_error(
    event: ErrorEvent, bot: Bot, translator: Translator, state: FSMContext | None = None
) -> None:
    """Log the failure with its traceback and tell the user; the update is done with."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    query = event.update.callback_query
    if query is not None:  # a press whose answer never went out: no button keeps spinning
        await answer_if_unanswered(query)
    user = sender(event.update)
    if user is not None and not user.is_bot:
        lang = await readable_lang(state) or pick_lang(user.language_code)
        text = translator(lang, "bot.failed")
        try:
            await bot.send_message(user.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell user %s that an update failed: %s", user.id, exc)


def build_router() -> Router:
    """The error handler (for `dp.include_router`; it sees errors of every router)."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
