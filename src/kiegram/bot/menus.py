"""The menu screens (main menu, sections, model cards), built once and reused.

A section lists up to a few dozen models, each with a price worked out from its cost table;
building that keyboard took longer than the rest of the update. The screens depend only on
the catalog, the language, the prices and the admin's switches, so they are kept per
language until the switches change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import ModelSwitches, SwitchBoard
from kiegram.bot import keyboards
from kiegram.bot.deps import bind
from kiegram.bot.prices import PriceBook
from kiegram.catalog import Catalog, ModelSpec
from kiegram.catalog.menu import MENU_SECTIONS, section_of
from kiegram.i18n import Translator
from kiegram.wizard import steps

Screen = tuple[str, InlineKeyboardMarkup]


class Menus:
    """Main menu, section and card screens per language, for the current switch board."""

    def __init__(
        self,
        catalog: Catalog,
        translator: Translator,
        prices: PriceBook,
        switches: ModelSwitches | None = None,
        free: keyboards.Free | None = None,
    ) -> None:
        self.catalog = catalog
        self.free = free
        self.translator = translator
        self.prices = prices
        self.switches = switches
        self._board: SwitchBoard | None = None
        self._built: dict[tuple[str, str, str], Any] = {}

    async def main(self, lang: str) -> InlineKeyboardMarkup:
        """The main menu: sections with model counts, popular models, history, balance."""
        board = await self._current_board()
        markup: InlineKeyboardMarkup = self._memo(
            ("main", "", lang),
            lambda: keyboards.main_menu(
                self.catalog, bind(self.translator, lang), lang, board, self.free
            ),
        )
        return markup

    async def section(self, section: str, lang: str) -> Screen | None:
        """A section's models with their starting prices; None when it has none (now)."""
        if section not in MENU_SECTIONS:  # forged callback data: nothing to build or keep
            return None
        board = await self._current_board()
        screen: Screen | None = self._memo(
            ("section", section, lang), lambda: self._build_section(section, lang, board)
        )
        return screen

    async def card(self, code: str, lang: str) -> Screen | None:
        """A model card by id or code; None when the model is unknown, held or switched off."""
        board = await self._current_board()
        spec = self.catalog.get(code)
        if spec is None or not spec.usable or (board is not None and not board.model_on(spec.id)):
            return None
        screen: Screen = self._memo(("card", spec.id, lang), lambda: self.build_card(spec, lang))
        return screen

    def build_card(self, spec: ModelSpec, lang: str) -> Screen:
        """The text and keyboard of a model card: what it does, needs and costs."""
        _ = bind(self.translator, lang)
        needs = ", ".join(f.title(lang) for f in steps(spec, {}))
        text = _(
            "bot.card",
            name=html.quote(keyboards.model_title(spec, lang, self.free)),
            description=html.quote(spec.description.get(lang)),
            needs=html.quote(needs or "—"),
            price=self.prices.span_text(spec, _),
        )
        if self.free is not None and self.free(spec):
            text += "\n" + _("bot.card_free")
        section = section_of(spec.category) or ""
        return text, keyboards.model_card(spec, section, _)

    def _build_section(self, section: str, lang: str, board: SwitchBoard | None) -> Screen | None:
        models = keyboards.section_models(self.catalog, section, board)
        if not models:
            return None
        _ = bind(self.translator, lang)
        title = _("bot.section_title", section=_(f"bot.section.{section}"))
        lines = [title, ""] + [
            f"<b>{html.quote(keyboards.model_title(m, lang, self.free))}</b>"
            f" — {html.quote(m.description.get(lang))}"
            for m in models
        ]
        markup = keyboards.section_menu(
            models, lambda m: self.prices.from_text(m, _), lang, _, self.free
        )
        return "\n".join(lines), markup

    async def _current_board(self) -> SwitchBoard | None:
        board = await self.switches.board() if self.switches is not None else None
        if board != self._board:
            self._board, self._built = board, {}
        return board

    def _memo(self, key: tuple[str, str, str], build: Callable[[], Any]) -> Any:
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]
