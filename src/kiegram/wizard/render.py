"""Texts of a view in one language: for the bot's renderer and the terminal (`kiegram try`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kiegram.catalog import Label
from kiegram.i18n import Translator
from kiegram.wizard.view import Button, Invalid, Msg, View


def text(tr: Translator, lang: str, value: Any) -> str:
    """A Label, a Msg (its values rendered too) or a literal, as a string."""
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, Msg):
        filled = {k: text(tr, lang, v) for k, v in value.values.items()}
        return tr(lang, value.key, **filled)
    return str(value)


def amount(credits: Decimal) -> str:
    """Credits without trailing zeros: 5, 2.5."""
    return f"{credits.normalize():f}"


def button_text(tr: Translator, lang: str, button: Button) -> str:
    """A button's caption, with the price when the option changes it."""
    caption = text(tr, lang, button.text)
    if button.selected:
        caption = tr(lang, "wizard.selected", value=caption)
    if button.credits is not None:
        caption = tr(lang, "wizard.with_price", value=caption, credits=amount(button.credits))
    return caption


def plain(tr: Translator, lang: str, view: View) -> str:
    """The whole screen as plain text with numbered buttons (the terminal's rendering)."""
    lines = [text(tr, lang, view.title)]
    if view.step is not None and (view.steps or 0) > 1:
        lines.append(tr(lang, "wizard.step", n=view.step, m=view.steps))
    lines.append(text(tr, lang, view.text))
    if view.help is not None:
        lines.append(text(tr, lang, view.help))
    if view.current is not None:
        lines.append(tr(lang, "wizard.current", value=text(tr, lang, view.current)))
    for item in view.summary:
        lines.append(
            tr(
                lang,
                "wizard.summary_line",
                param=text(tr, lang, item.param),
                value=text(tr, lang, item.value),
            )
        )
    if view.credits is not None:
        lines.append(tr(lang, "wizard.price", credits=amount(view.credits)))
    for number, button in enumerate(view.buttons(), start=1):
        lines.append(f"  {number}) {button_text(tr, lang, button)}")
    return "\n".join(lines)


def refusal(tr: Translator, lang: str, invalid: Invalid) -> str:
    """A refused answer's message."""
    return text(tr, lang, invalid.message)
