"""What handlers receive by name through the dispatcher (`Dispatcher(**deps)`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kiegram.catalog import Catalog
from kiegram.i18n import Translator

Text = Callable[..., str]
"""A translator bound to the user's language: `_("bot.menu_title", count=3)`."""


@dataclass(frozen=True)
class BotConfig:
    """Static facts the Telegram layer needs."""

    admin_ids: frozenset[int]
    bot_username: str = "kiegram_bot"
    free_daily: int = 3
    free_max_units: int = 10
    referral_bonus: int = 10
    credits_per_unit: Decimal = Decimal(1)  # KIE credits one unit stands for (margins)
    markup: Decimal = Decimal("1.5")

    def free_rule(self, _: Text) -> str:
        """The one free-quota and referral rule, as stated in help."""
        return _(
            "bot.free_rule",
            count=self.free_daily,
            max_units=self.free_max_units,
            bonus=self.referral_bonus,
        )


def bind(translator: Translator, lang: str) -> Text:
    """A `_` function for one language."""

    def text(key: str, /, **values: Any) -> str:
        return translator(lang, key, **values)

    return text


__all__ = ["BotConfig", "Catalog", "Text", "bind"]
