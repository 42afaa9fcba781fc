"""Prices as users read them: the words around the operator's prices (`PriceRules`)."""

from __future__ import annotations

from decimal import Decimal

from kiegram.billing import PriceRules
from kiegram.bot.deps import Text
from kiegram.catalog import ModelSpec


class PriceBook:
    """Words model prices in user units; every figure comes from the `PriceRules`."""

    def __init__(self, rules: PriceRules) -> None:
        self.rules = rules

    def credits_text(self, credits: Decimal | None, _: Text) -> str | None:
        """ "12 кр." / "бесплатно" for KIE credits; None when the cost is unknown."""
        return None if credits is None else amount_text(self.rules.units(credits), _)

    def amount(self, units: Decimal | int, _: Text) -> str:
        """ "12 кр." / "12 cr" ("бесплатно" / "free" for nothing)."""
        return amount_text(units, _)

    def from_text(self, spec: ModelSpec, _: Text) -> str:
        """ "от 12 кр." for menus."""
        span = self.rules.price_range(spec)
        if span is None:
            return _("bot.price.unknown")
        if span[1] == 0:
            return _("bot.price.free")
        return per_second(spec, _("bot.price.from", amount=fmt(Decimal(span[0]))), _)

    def span_text(self, spec: ModelSpec, _: Text) -> str:
        """ "12–40 кр." for model cards."""
        span = self.rules.price_range(spec)
        if span is None:
            return _("bot.price.unknown")
        if span[1] == 0:
            return _("bot.price.free")
        if span[0] == span[1]:
            return per_second(spec, self.amount(span[0], _), _)
        low, high = fmt(Decimal(span[0])), fmt(Decimal(span[1]))
        return per_second(spec, _("bot.price.span", low=low, high=high), _)


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
