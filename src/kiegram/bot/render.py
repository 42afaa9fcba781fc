"""Wizard view models rendered as Telegram HTML and inline keyboards."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot.callbacks import wz_data
from kiegram.catalog import Label
from kiegram.i18n import Translator
from kiegram.wizard.view import Button, Msg, ScreenKind, Text, View

Price = Callable[[Decimal | None], str | None]
"""KIE credits -> the price text users see (None: show no price)."""


class Renderer:
    """Turns wizard texts and views into what Telegram shows, in one language."""

    def __init__(self, translator: Translator, lang: str) -> None:
        self.translator = translator
        self.lang = lang

    def text(self, value: Text, escape: bool = True) -> str:
        """Labels and messages translated; literal (user) text escaped for HTML."""
        quote = html.quote if escape else str
        if isinstance(value, Label):
            return quote(value.get(self.lang))
        if isinstance(value, Msg):
            values = {k: self._value(v, escape) for k, v in value.values.items()}
            return self.translator(self.lang, value.key, **values)
        return quote(str(value))

    def _value(self, value: Any, escape: bool) -> Any:
        if isinstance(value, Label | Msg | str):
            return self.text(value, escape)
        if isinstance(value, list | tuple):
            return ", ".join(str(self._value(v, escape)) for v in value)
        return value

    def body(self, view: View, price: Price, extra: str = "") -> str:
        """The screen's text: title, step counter, question, current value, summary, price."""
        lines = [f"<b>{self.text(view.title)}</b>"]
        if view.step is not None and (view.steps or 0) > 1:
            lines.append(self.translator(self.lang, "bot.wizard.step", n=view.step, m=view.steps))
        lines.append(self.text(view.text))
        if view.help is not None:
            lines.append(f"<i>{self.text(view.help)}</i>")
        if view.current is not None and view.kind is not ScreenKind.CONFIRM:
            lines.append(
                self.translator(self.lang, "bot.wizard.current", value=self.text(view.current))
            )
        for item in view.summary:
            lines.append(f"• {self.text(item.param)}: <b>{self.text(item.value)}</b>")
        if view.kind is ScreenKind.CONFIRM and view.text.key != "wizard.duration_unknown":
            shown = price(view.credits)
            key = "bot.wizard.cost" if shown else "bot.wizard.cost_unknown"
            lines.append("")
            lines.append(self.translator(self.lang, key, price=shown or ""))
        if extra:
            lines.append(extra)
        return "\n".join(lines)

    def keyboard(self, view: View, session: str, price: Price) -> InlineKeyboardMarkup:
        """One inline button per wizard button; callback data carries the session id."""
        rows = [[self._button(b, session, price) for b in row] for row in view.rows]
        return InlineKeyboardMarkup(inline_keyboard=rows)

    def _button(self, button: Button, session: str, price: Price) -> InlineKeyboardButton:
        label = self.text(button.text, escape=False)
        if button.selected:
            label = f"✅ {label}"
        cost = price(button.credits) if button.credits is not None else None
        if cost:
            label = f"{label} · {cost}"
        arg = "" if button.arg is None else str(button.arg)
        data = wz_data(button.action.value, arg, session)
        return InlineKeyboardButton(text=label, callback_data=data)
