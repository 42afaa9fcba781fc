"""The user's price of a generation, derived from the catalog's KIE credits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from kiegram.catalog import ModelSpec, credit_range, credits_for
from kiegram.errors import ConfigError


@dataclass(frozen=True, slots=True)
class PriceRules:
    """The operator's pricing: units = credits * markup / kie_credits_per_unit, rounded up."""

    markup: Decimal = Decimal("1.5")
    kie_credits_per_unit: Decimal = Decimal(1)
    step: int = 1

    def __post_init__(self) -> None:
        if self.markup <= 0 or self.kie_credits_per_unit <= 0 or self.step < 1:
            raise ConfigError("pricing needs markup > 0, kie_credits_per_unit > 0, rounding >= 1")

    def units(self, credits: Decimal) -> int:
        """Units for this many KIE credits, rounded up to a multiple of `step`."""
        raw = credits * self.markup / self.kie_credits_per_unit
        steps = (raw / self.step).to_integral_value(rounding=ROUND_CEILING)
        return int(steps) * self.step

    def paid_credits(self, units: Decimal | int) -> Decimal:
        """The KIE credits `units` paid by a user stand for (before the markup comes off)."""
        return units * self.kie_credits_per_unit

    def price_for(self, spec: ModelSpec, values: Mapping[str, Any]) -> int | None:
        """The price of these answers, or None when the cost is unknown."""
        credits = credits_for(spec, values)
        return None if credits is None else self.units(credits)

    def price_range(self, spec: ModelSpec) -> tuple[int, int] | None:
        """The lowest and highest price over the model's options (for the model card)."""
        span = credit_range(spec)
        if span is None:
            return None
        return self.units(span[0]), self.units(span[1])
