"""/start, the main menu, menu sections, model cards, /help and /lang."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import ModelSwitches, SwitchBoard
from kiegram.billing.ports import UserStore
from kiegram.bot import keyboards
from kiegram.bot.callbacks import LangPick, Nav
from kiegram.bot.deps import BotConfig, Text, bind
from kiegram.bot.prices import PriceBook
from kiegram.bot.screens import edit_or_send
from kiegram.catalog import Catalog, ModelSpec
from kiegram.catalog.menu import section_of
from kiegram.i18n import Translator


async def start(
    message: Message,
    command: CommandObject,
    catalog: Catalog,
    prices: PriceBook,
    state: FSMContext,
    _: Text,
    lang: str,
    users: UserStore | None = None,
    switches: ModelSwitches | None = None,
) -> None:
    """Welcome and the main menu; a deep link opens a model card directly."""
    payload = command.args or ""
    await state.set_state(None)  # leaves any admin input in progress
    if users is not None and message.from_user is not None:
        await register(users, message.from_user, lang, payload)
    board = await switch_board(switches)
    if payload.startswith("m_"):
        spec = catalog.get(payload[2:])
        if spec is not None and spec.usable and (board is None or board.model_on(spec.id)):
            await message.answer(**card(spec, prices, _, lang))
            return
    markup = keyboards.main_menu(catalog, _, lang, board)
    await message.answer(_("bot.welcome"), reply_markup=markup)


async def register(users: UserStore, user: User, lang: str, payload: str) -> None:
    """Register the user; a payload r_<id> names who invited them (new users only)."""
    referrer = int(payload[2:]) if payload.startswith("r_") and payload[2:].isdigit() else None
    await users.touch(user.id, user.username, lang, referrer_id=referrer)


async def switch_board(switches: ModelSwitches | None) -> SwitchBoard | None:
    """The admin's switches as of now (None when the bot runs without them)."""
    return await switches.board() if switches is not None else None


async def menu_command(
    message: Message, catalog: Catalog, _: Text, lang: str, switches: ModelSwitches | None = None
) -> None:
    """The main menu."""
    markup = keyboards.main_menu(catalog, _, lang, await switch_board(switches))
    await message.answer(_("bot.menu_title"), reply_markup=markup)


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
    catalog: Catalog,
) -> None:
    """Store the language and show the menu in it."""
    lang = callback_data.lang if callback_data.lang in ("ru", "en") else "ru"
    await state.update_data(lang=lang)
    _ = bind(translator, lang)
    await edit_or_send(query, _("bot.lang_set"), keyboards.main_menu(catalog, _, lang))


async def nav_menu(
    query: CallbackQuery,
    catalog: Catalog,
    _: Text,
    lang: str,
    switches: ModelSwitches | None = None,
) -> None:
    """Back to the main menu."""
    markup = keyboards.main_menu(catalog, _, lang, await switch_board(switches))
    await edit_or_send(query, _("bot.menu_title"), markup)


async def nav_help(query: CallbackQuery, config: BotConfig, _: Text) -> None:
    """Help from the menu."""
    await edit_or_send(query, _("bot.help", free_rule=config.free_rule(_)), keyboards.menu_only(_))


async def nav_lang(query: CallbackQuery, _: Text) -> None:
    """Language choice from the menu."""
    await edit_or_send(query, _("bot.choose_lang"), keyboards.languages())


async def nav_section(
    query: CallbackQuery,
    callback_data: Nav,
    catalog: Catalog,
    prices: PriceBook,
    _: Text,
    lang: str,
    switches: ModelSwitches | None = None,
) -> None:
    """The models of one menu section with their starting prices."""
    board = await switch_board(switches)
    models = keyboards.section_models(catalog, callback_data.arg, board)
    if not models:
        await edit_or_send(query, _("bot.section_empty"), keyboards.menu_only(_))
        return
    title = _("bot.section_title", section=_(f"bot.section.{callback_data.arg}"))
    lines = [title, ""] + [
        f"<b>{html.quote(m.name.get(lang))}</b> — {html.quote(m.description.get(lang))}"
        for m in models
    ]
    markup = keyboards.section_menu(models, lambda m: prices.from_text(m, _), lang, _)
    await edit_or_send(query, "\n".join(lines), markup)


async def nav_card(
    query: CallbackQuery,
    callback_data: Nav,
    catalog: Catalog,
    prices: PriceBook,
    _: Text,
    lang: str,
    switches: ModelSwitches | None = None,
) -> None:
    """A model card: what it does, what it needs, the price range, a start button."""
    spec = catalog.get(callback_data.arg)
    board = await switch_board(switches)
    if spec is None or not spec.usable or (board is not None and not board.model_on(spec.id)):
        await edit_or_send(query, _("bot.model_gone"), keyboards.menu_only(_))
        return
    view = card(spec, prices, _, lang)
    await edit_or_send(query, view["text"], view["reply_markup"])


def card(spec: ModelSpec, prices: PriceBook, _: Text, lang: str) -> dict:  # type: ignore[type-arg]
    """The text and keyboard of a model card."""
    needs = ", ".join(spec.input(n).title(lang) for n in spec.order)
    text = _(
        "bot.card",
        name=html.quote(spec.name.get(lang)),
        description=html.quote(spec.description.get(lang)),
        needs=html.quote(needs or "—"),
        price=prices.span_text(spec, _),
    )
    section = section_of(spec.category) or ""
    return {"text": text, "reply_markup": keyboards.model_card(spec, section, _)}


def build_router() -> Router:
    """A fresh router with this feature's handlers (one per dispatcher)."""
    router = Router(name="menu")
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
