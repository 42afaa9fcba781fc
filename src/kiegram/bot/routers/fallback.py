"""Last resort: every update that no feature took still gets an answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from kiegram.bot import keyboards
from kiegram.bot.deps import Text
from kiegram.bot.filters import When
from kiegram.bot.menus import Menus
from kiegram.bot.screens import edit_or_send


async def unknown_command(message: Message, _: Text) -> None:
    """A command we do not know."""
    await message.answer(_("bot.unknown_command"), reply_markup=keyboards.menu_only(_))


async def unexpected(message: Message, _: Text) -> None:
    """Text or media when no step is waiting for it."""
    await message.answer(_("bot.unexpected_input"), reply_markup=keyboards.menu_only(_))


async def stale(query: CallbackQuery, menus: Menus, _: Text, lang: str) -> None:
    """A button from an old message, or forged data."""
    await edit_or_send(query, _("bot.stale_button"), await menus.main(lang))


def build_router() -> Router:
    """A fresh router with this feature's handlers (one per dispatcher)."""
    router = Router(name="fallback")
    router.message.register(unknown_command, When(F.text.startswith("/")))
    router.message.register(unexpected)
    router.callback_query.register(stale)
    return router
