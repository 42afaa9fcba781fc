"""The "✨ Improve" button under a prompt step (a hook on the step's keyboard)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from kiegram.bot.callbacks import Improve
from kiegram.catalog import ModelSpec
from kiegram.wizard.view import ExpectKind, ScreenKind, View

PROMPT = "prompt"


def improvable(spec: ModelSpec | None, view: View) -> bool:
    """True on the prompt step of an image or video model (not lyrics, not speech)."""
    return (
        spec is not None
        and view.kind is ScreenKind.STEP
        and view.field == PROMPT
        and view.expect.kind is ExpectKind.TEXT
        and spec.output.value in ("image", "video")
    )


def with_improve(markup: InlineKeyboardMarkup, sid: str, label: str) -> InlineKeyboardMarkup:
    """The step's keyboard with the Improve button on a row of its own, first."""
    button = InlineKeyboardButton(text=label, callback_data=Improve(a="go", s=sid).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button], *markup.inline_keyboard])
