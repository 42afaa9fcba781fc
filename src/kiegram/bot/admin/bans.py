"""The user card's ban and unban buttons."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from kiegram.billing import Ledger
from kiegram.billing.ports import UserStore
from kiegram.bot.admin import views
from kiegram.bot.admin.states import Adm
from kiegram.bot.ban import set_ban, tell_unbanned
from kiegram.bot.deps import BotConfig, Text
from kiegram.bot.screens import edit_or_send
from kiegram.i18n import Translator


async def ban_button(
    query: CallbackQuery,
    callback_data: Adm,
    state: FSMContext,
    dispatcher: Dispatcher,
    bot: Bot,
    users: UserStore,
    ledger: Ledger,
    config: BotConfig,
    translator: Translator,
    _: Text,
) -> None:
    """Ban or unban the user on the card, then show the card again."""
    target = (await state.get_data()).get("adm_target")
    user = await users.get(target) if isinstance(target, int) else None
    if user is None:
        await edit_or_send(query, _("admin.user_not_found"), views.only_home(_))
        return
    banned = callback_data.a == "ban"
    if banned and user.id in config.admin_ids:
        await edit_or_send(query, _("ban.admin_refused"), views.user_keyboard(_, user.blocked))
        return
    if banned != user.blocked:
        await set_ban(dispatcher, bot, users, user.id, banned)
        if not banned:
            await tell_unbanned(bot, user.id, translator(user.language, "ban.lifted"))
    user = await users.get(user.id)
    assert user is not None  # users are never deleted
    done = _("ban.done" if banned else "ban.undone", id=user.id)
    card = views.user_card(user, await ledger.account(user.id), _)
    await edit_or_send(query, f"{done}\n\n{card}", views.user_keyboard(_, user.blocked))
