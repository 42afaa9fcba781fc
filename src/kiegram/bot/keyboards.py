"""Keyboards are functions of data; they hold no per-user state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from kiegram.billing import SwitchBoard
from kiegram.bot.callbacks import Go, LangPick, Nav
from kiegram.bot.deps import Text
from kiegram.catalog import Catalog, Category, InputKind, ModelSpec
from kiegram.catalog.menu import MENU_SECTIONS
from kiegram.wizard.state import steps

PriceRange = Callable[[ModelSpec], tuple[Decimal, Decimal] | None]
Free = Callable[[ModelSpec], bool]
"""True for a model a free generation covers at its default settings."""
SHORTCUTS = 4  # ⭐ models on the main menu
GIFT = "🎁"
TEXT_TO_IMAGE = Category.TEXT_TO_IMAGE


def section_models(
    catalog: Catalog, section: str, board: SwitchBoard | None = None
) -> list[ModelSpec]:
    """Usable models of a menu section, popular first; none the admin switched off."""
    categories = MENU_SECTIONS.get(section, ())
    models = [m for m in catalog.usable() if m.category in categories]
    models = [m for m in models if board is None or board.model_on(m.id)]
    return sorted(models, key=lambda m: (not m.popular,))


def shortcuts(
    catalog: Catalog, board: SwitchBoard | None = None, free: Free | None = None
) -> list[ModelSpec]:
    """The ⭐ models: popular ones, and at least one a free generation covers (a newcomer
    with no balance gets a result from the menu in two taps)."""
    usable = [m for m in catalog.usable() if board is None or board.model_on(m.id)]
    popular = [m for m in usable if m.popular][:SHORTCUTS]
    if free is None or any(free(m) for m in popular):
        return popular
    gifts = sorted((m for m in usable if free(m)), key=_gift_order)
    if not gifts:
        return popular
    return [*popular[: SHORTCUTS - 1], gifts[0]]


def _gift_order(spec: ModelSpec) -> tuple[bool, bool, int]:
    """A picture from a prompt alone first (two taps: prompt, Start), then fewest steps."""
    asked = steps(spec, {})
    prompt_only = len(asked) == 1 and asked[0].kind is InputKind.TEXT
    return (not prompt_only, spec.category is not TEXT_TO_IMAGE, len(asked))


def model_title(spec: ModelSpec, lang: str, free: Free | None) -> str:
    """A model's name, marked 🎁 when a free generation covers it."""
    name = spec.name.get(lang)
    return f"{GIFT} {name}" if free is not None and free(spec) else name


def main_menu(
    catalog: Catalog,
    _: Text,
    lang: str,
    board: SwitchBoard | None = None,
    free: Free | None = None,
) -> InlineKeyboardMarkup:
    """Sections with model counts, popular models, history, balance, help, language."""
    kb = InlineKeyboardBuilder()
    for section in MENU_SECTIONS:
        count = len(section_models(catalog, section, board))
        if count:
            label = _(f"bot.section.{section}")
            kb.button(text=f"{label} ({count})", callback_data=Nav(to="sec", arg=section))
    kb.adjust(2)
    kb.row(InlineKeyboardButton(text=_("chat.btn.open"), callback_data=Nav(to="chat").pack()))
    for spec in shortcuts(catalog, board, free):
        kb.row(
            InlineKeyboardButton(
                text=f"⭐ {model_title(spec, lang, free)}", callback_data=Go(code=spec.code).pack()
            )
        )
    kb.row(
        InlineKeyboardButton(text=_("bot.btn.history"), callback_data=Nav(to="hist").pack()),
        InlineKeyboardButton(text=_("bot.btn.balance"), callback_data=Nav(to="bal").pack()),
    )
    kb.row(
        InlineKeyboardButton(text=_("bot.btn.help"), callback_data=Nav(to="help").pack()),
        InlineKeyboardButton(text=_("bot.btn.lang"), callback_data=Nav(to="lang").pack()),
    )
    return kb.as_markup()


def section_menu(
    models: Sequence[ModelSpec],
    price: Callable[[ModelSpec], str],
    lang: str,
    _: Text,
    free: Free | None = None,
) -> InlineKeyboardMarkup:
    """One button per model with its starting price (🎁 when free), then Back."""
    kb = InlineKeyboardBuilder()
    for spec in models:
        kb.row(
            InlineKeyboardButton(
                text=f"{model_title(spec, lang, free)} · {price(spec)}",
                callback_data=Nav(to="card", arg=spec.code).pack(),
            )
        )
    kb.row(back_to_menu(_))
    return kb.as_markup()


def model_card(spec: ModelSpec, section: str, _: Text) -> InlineKeyboardMarkup:
    """Start and Back buttons under a model card."""
    kb = InlineKeyboardBuilder()
    kb.row(
        InlineKeyboardButton(text=_("bot.btn.start_model"), callback_data=Go(code=spec.code).pack())
    )
    kb.row(
        InlineKeyboardButton(
            text=_("bot.btn.back"), callback_data=Nav(to="sec", arg=section).pack()
        ),
        back_to_menu(_),
    )
    return kb.as_markup()


def back_to_menu(_: Text) -> InlineKeyboardButton:
    """The Menu button."""
    return InlineKeyboardButton(text=_("bot.btn.menu"), callback_data=Nav(to="menu").pack())


def menu_only(_: Text) -> InlineKeyboardMarkup:
    """A keyboard with just the Menu button."""
    return InlineKeyboardMarkup(inline_keyboard=[[back_to_menu(_)]])


def languages() -> InlineKeyboardMarkup:
    """Русский / English."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Русский", callback_data=LangPick(lang="ru").pack()),
                InlineKeyboardButton(text="English", callback_data=LangPick(lang="en").pack()),
            ]
        ]
    )
