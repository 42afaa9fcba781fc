"""A model KIE runs for nothing has a known price of 0, not an unknown one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiegram.billing import PriceRules
from kiegram.catalog import credit_range, credits_for, load_catalog
from kiegram.catalog.audit import audit_catalog
from kiegram.catalog.audit_types import Severity

FREE = ("omnihuman-1-5/subject-detection", "omnihuman-1-5/human-identification")


@pytest.mark.parametrize("model_id", FREE)
def test_a_free_helper_costs_nothing_and_is_usable(model_id: str) -> None:
    catalog = load_catalog()
    spec = catalog.get(model_id)
    assert spec is not None and spec.usable
    assert credits_for(spec, {"image_url": "https://x.example/a.png"}) == Decimal(0)
    assert credit_range(spec) == (Decimal(0), Decimal(0))
    assert PriceRules().price_range(spec) == (0, 0)
    report = {m.id: m for m in audit_catalog(catalog).models}
    assert report[model_id].usable and not report[model_id].count(Severity.CRITICAL)
