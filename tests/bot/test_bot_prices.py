"""One price path: the bot words the operator's prices (`PriceRules`) and computes none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiegram.billing import PriceRules
from kiegram.bot.deps import bind
from kiegram.bot.prices import PriceBook
from kiegram.catalog import ModelSpec, load_catalog
from kiegram.i18n import load_translator

_ = bind(load_translator(), "en")
RANGED = [s for s in load_catalog() if s.cost is not None and not s.cost.per_second]
RULES = (
    PriceRules(Decimal("1.5"), Decimal(1), 1),
    PriceRules(Decimal(3), Decimal("0.5"), 5),
)


@pytest.mark.parametrize("rules", RULES, ids=["default", "dear"])
@pytest.mark.parametrize("spec", RANGED[::7], ids=lambda s: s.id)
def test_the_card_and_the_menu_show_the_rules_range(rules: PriceRules, spec: ModelSpec) -> None:
    book = PriceBook(rules)
    span = rules.price_range(spec)
    assert span is not None
    low, high = span
    card, menu = book.span_text(spec, _), book.from_text(spec, _)
    if high == 0:
        assert card == menu == "free"
    elif low == high:
        assert card == f"{low} cr"
        assert menu == f"from {low} cr"
    else:
        assert card == f"{low}–{high} cr"
        assert menu == f"from {low} cr"


def test_a_generations_price_is_the_rules_price_rounded_up() -> None:
    book = PriceBook(PriceRules(Decimal("1.5"), Decimal(1), 5))
    assert book.credits_text(Decimal("3.3"), _) == "5 cr"  # 4.95 -> the next 5
    assert book.credits_text(Decimal(7), _) == "15 cr"  # 10.5 -> 15
    assert book.credits_text(Decimal(0), _) == "free"
    assert book.credits_text(None, _) is None  # unknown cost: no price at all
