"""/start, the main menu, menu sections, model cards, /help and /lang."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from kiegram.billing.ports import UserStore
from kiegram.bot import keyboards
from kiegram.bot.callbacks import LangPick, Nav
from kiegram.bot.deps import BotConfig, Text, bind
from kiegram.bot.filters import Presses
from kiegram.bot.menus import Menus
from kiegram.bot.screens import edit_or_send
from kiegram.i18n import Translator


async def start(
    message: Message,
    command: CommandObject,
    menus: Menus,
    state: FSMContext,
    _: Text,
    lang: str,
    users: UserStore | None = None,
) -> None:
    """Welcome and the main menu; a deep link opens a model card directly."""
    payload = command.args or ""
    await state.set_state(None)  # leaves any admin input in progress
    if users is not None and message.from_user is not None:
        await register(users, message.from_user, lang, payload)
    if payload.startswith("m_"):
        screen = await menus.card(payload[2:], lang)
        if screen is not None:
            await message.answer(screen[0], reply_markup=screen[1])
            return
    await message.answer(_("bot.welcome"), reply_markup=await menus.main(lang))


async def register(users: UserStore, user: User, lang: str, payload: str) -> None:
    """Register the user; a payload r_<id> names who invited them (new users only)."""
    referrer = int(payload[2:]) if payload.startswith("r_") and payload[2:].isdigit() else None
    await users.touch(user.id, user.username, lang, referrer_id=referrer)


async def menu_command(message: Message, menus: Menus, _: Text, lang: str) -> None:
    """The main menu."""
    await message.answer(_("bot.menu_title"), reply_markup=await menus.main(lang))


async def help_command(message: Message, config: BotConfig, _: Text) -> None:
    """What the bot does, how to pay, the free-quota rule."""
    text = _("bot.help", free_rule=config.free_rule(_))
    await message.answer(text, reply_markup=keyboards.menu_only(_))


async def lang_command(message: Message, _: Text) -> None:
    """Choose the interface language."""
    await message.answer(_("bot.choose_lang"), reply_markup=keyboards.languages())


async def lang_pick(
    query: CallbackQuery,
    callback_data: LangPick,
    state: FSMContext,
    translator: Translator,
    menus: Menus,
) -> None:
    """Store the language and show the menu in it."""
    lang = callback_data.lang if callback_data.lang in ("ru", "en") else "ru"
    await state.update_data(lang=lang)
    _ = bind(translator, lang)
    await edit_or_send(query, _("bot.lang_set"), await menus.main(lang))


async def nav_menu(query: CallbackQuery, menus: Menus, _: Text, lang: str) -> None:
    """Back to the main menu."""
    await edit_or_send(query, _("bot.menu_title"), await menus.main(lang))


async def nav_help(query: CallbackQuery, config: BotConfig, _: Text) -> None:
    """Help from the menu."""
    await edit_or_send(query, _("bot.help", free_rule=config.free_rule(_)), keyboards.menu_only(_))


async def nav_lang(query: CallbackQuery, _: Text) -> None:
    """Language choice from the menu."""
    await edit_or_send(query, _("bot.choose_lang"), keyboards.languages())


async def nav_section(
    query: CallbackQuery, callback_data: Nav, menus: Menus, _: Text, lang: str
) -> None:
    """The models of one menu section with their starting prices."""
    screen = await menus.section(callback_data.arg, lang)
    if screen is None:
        await edit_or_send(query, _("bot.section_empty"), keyboards.menu_only(_))
        return
    await edit_or_send(query, *screen)


async def nav_card(
    query: CallbackQuery, callback_data: Nav, menus: Menus, _: Text, lang: str
) -> None:
    """A model card: what it does, what it needs, the price range, a start button."""
    screen = await menus.card(callback_data.arg, lang)
    if screen is None:
        await edit_or_send(query, _("bot.model_gone"), keyboards.menu_only(_))
        return
    await edit_or_send(query, *screen)


def build_router() -> Router:
    """A fresh router with this feature's handlers (one per dispatcher)."""
    router = Router(name="menu")
    router.callback_query.filter(Presses(LangPick, Nav))  # others' presses skip this router
    router.message.register(start, CommandStart())
    router.message.register(menu_command, Command("menu"))
    router.message.register(help_command, Command("help"))
    router.message.register(lang_command, Command("lang"))
    router.callback_query.register(lang_pick, LangPick.filter())
    router.callback_query.register(nav_menu, Nav.filter(F.to == "menu"))
    router.callback_query.register(nav_help, Nav.filter(F.to == "help"))
    router.callback_query.register(nav_lang, Nav.filter(F.to == "lang"))
    router.callback_query.register(nav_section, Nav.filter(F.to == "sec"))
    router.callback_query.register(nav_card, Nav.filter(F.to == "card"))
    return router
