"""Prices as users see them: KIE credits converted by the operator's pricing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kiegram.bot.deps import Text
from kiegram.catalog import ModelSpec, credit_range

ToUnits = Callable[[Decimal], Decimal]
"""KIE credits -> the user's units (the billing pricing function)."""


class PriceBook:
    """Formats model prices in user units."""

    def __init__(self, to_units: ToUnits) -> None:
        self.to_units = to_units

    def units(self, credits: Decimal | None) -> Decimal | None:
        """User units for KIE credits (None stays None)."""
        return None if credits is None else self.to_units(credits)

    def range(self, spec: ModelSpec) -> tuple[Decimal, Decimal] | None:
        """The cheapest and dearest option of a model, in user units."""
        known = credit_range(spec)
        if known is None:
            return None
        return self.to_units(known[0]), self.to_units(known[1])

    def amount(self, units: Decimal, _: Text) -> str:
        """ "12 кр." / "12 cr" ("бесплатно" / "free" for nothing)."""
        return amount_text(units, _)

    def from_text(self, spec: ModelSpec, _: Text) -> str:
        """ "от 12 кр." for menus."""
        span = self.range(spec)
        if span is None:
            return _("bot.price.unknown")
        if span[1] == 0:
            return _("bot.price.free")
        return per_second(spec, _("bot.price.from", amount=fmt(span[0])), _)

    def span_text(self, spec: ModelSpec, _: Text) -> str:
        """ "12–40 кр." for model cards."""
        span = self.range(spec)
        if span is None:
            return _("bot.price.unknown")
        if span[1] == 0:
            return _("bot.price.free")
        if span[0] == span[1]:
            return per_second(spec, self.amount(span[0], _), _)
        return per_second(spec, _("bot.price.span", low=fmt(span[0]), high=fmt(span[1])), _)


def per_second(spec: ModelSpec, price: str, _: Text) -> str:
    """ "8 кр. за секунду" for models priced per second of the file the user sends."""
    if spec.cost is not None and spec.cost.per_second:
        return _("bot.price.per_second", price=price)
    return price


def amount_text(units: Decimal | int, _: Text) -> str:
    """A price: "12 кр." / "12 cr", or "бесплатно" / "free" when it is nothing."""
    if units == 0:
        return _("bot.price.free")
    return _("bot.price.amount", amount=fmt(Decimal(units)))


def fmt(amount: Decimal) -> str:
    """An amount without trailing zeros."""
    text = f"{amount.normalize():f}"
    return text
