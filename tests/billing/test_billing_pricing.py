"""Prices come from the catalog's credits: never below cost, monotonic, unknown stays unknown."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiegram.billing import PriceRules, find_pack, parse_packs
from kiegram.catalog import InputKind, ModelSpec, credit_range, credits_for, load_catalog
from kiegram.errors import ConfigError

CATALOG = list(load_catalog())
PRICED = [s for s in CATALOG if s.cost is not None]
BILLING = Path(__file__).parents[2] / "src" / "kiegram" / "billing"

markups = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(10), places=2)
per_unit = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(100), places=2)
steps = st.integers(min_value=1, max_value=50)


@st.composite
def answers(draw: st.DrawFn) -> tuple[ModelSpec, dict[str, Any]]:
    """A catalog model and a choice for each cost-relevant input (sometimes off the list)."""
    spec = draw(st.sampled_from(CATALOG))
    values: dict[str, Any] = {}
    names = (spec.cost.by + ((spec.cost.per,) if spec.cost.per else ())) if spec.cost else ()
    for name in names:
        field = spec.input(name)
        pool: list[Any] = list(field.option_values())
        if field.kind is InputKind.BOOLEAN:
            pool = [False, True]
        if field.kind in (InputKind.INTEGER, InputKind.NUMBER):
            pool.append(draw(st.integers(min_value=1, max_value=30)))
        values[name] = draw(st.sampled_from([*pool, "not-an-option"] if pool else ["x"]))
    if spec.cost and spec.cost.per_chars:
        values[spec.cost.per_chars] = draw(st.text(max_size=3000))
    return spec, values


@settings(max_examples=400, deadline=None)
@given(answers(), markups, per_unit, steps)
def test_price_covers_cost_and_is_none_only_when_cost_is(
    case: tuple[ModelSpec, dict[str, Any]], markup: Decimal, unit: Decimal, step: int
) -> None:
    spec, values = case
    rules = PriceRules(markup=markup, kie_credits_per_unit=unit, step=step)
    credits = credits_for(spec, values)
    price = rules.price_for(spec, values)
    assert (price is None) == (credits is None)
    if credits is not None and price is not None:
        assert price >= credits * markup / unit
        assert price % step == 0
        assert price - credits * markup / unit < step


@settings(max_examples=300, deadline=None)
@given(answers(), markups, markups, per_unit, steps)
def test_price_is_monotonic_in_markup(
    case: tuple[ModelSpec, dict[str, Any]], a: Decimal, b: Decimal, unit: Decimal, step: int
) -> None:
    spec, values = case
    low, high = sorted((a, b))
    cheap = PriceRules(low, unit, step).price_for(spec, values)
    dear = PriceRules(high, unit, step).price_for(spec, values)
    assert (cheap is None) == (dear is None)
    if cheap is not None and dear is not None:
        assert cheap <= dear


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.id)
def test_price_range_follows_the_credit_range(spec: ModelSpec) -> None:
    rules = PriceRules(Decimal("1.5"), Decimal(1), 1)
    span, credits = rules.price_range(spec), credit_range(spec)
    assert (span is None) == (credits is None)
    if span is not None and credits is not None:
        assert span == (rules.units(credits[0]), rules.units(credits[1]))
        assert span[0] <= span[1]


def test_the_catalog_has_priced_models() -> None:
    assert len(PRICED) > 50


def test_rounding_and_bad_rules() -> None:
    rules = PriceRules(markup=Decimal("1.5"), kie_credits_per_unit=Decimal(2), step=5)
    assert rules.units(Decimal(10)) == 10  # 7.5 -> 10
    assert rules.units(Decimal(0)) == 0
    with pytest.raises(ConfigError):
        PriceRules(markup=Decimal(0))


def test_stars_packs_parse_and_reject_garbage() -> None:
    packs = parse_packs("500:230, 100:50;")
    assert [(p.units, p.stars) for p in packs] == [(100, 50), (500, 230)]
    assert find_pack(packs, "500x230") == packs[1]
    for bad in ("100", "a:b", "0:5"):
        with pytest.raises(ConfigError):
            parse_packs(bad)


def test_billing_imports_no_framework() -> None:
    allowed = ("kiegram.billing", "kiegram.catalog", "kiegram.errors")
    for path in BILLING.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for name in [*names, *([module] if module else [])]:
                    root = name.split(".")[0]
                    assert root != "kiegram" or name.startswith(allowed), (path.name, name)
                    assert root not in ("aiogram", "httpx", "sqlalchemy"), (path.name, name)


def test_units_paid_stand_for_kie_credits_at_the_unit_rate_before_the_markup() -> None:
    rules = PriceRules(markup=Decimal("1.5"), kie_credits_per_unit=Decimal(2), step=5)
    assert rules.paid_credits(10) == Decimal(20)
    assert rules.paid_credits(Decimal("2.5")) == Decimal(5)
