"""Cross-field rules between numbers: one must lie above another (a section's end after its
start) by the gap the catalog gives (`InputSpec.above`), and seconds stay within the parent
result's length when KIE gave it (`within_parent`, `Above.max_parent_share`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import ModelSpec
from kiegram.catalog.spec import PARENT_SECONDS, InputSpec
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.parse import param_of


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_above(spec: ModelSpec, values: Mapping[str, Any], name: str | None = None) -> None:
    """Refuse values that break a rule; with `name`, only the rules that input takes part in
    (a rule is checked once every number it joins is answered)."""
    length = _number(values.get(PARENT_SECONDS))
    for field in spec.inputs:
        value = _number(values.get(field.name))
        mine = name in (None, field.name)
        if field.within_parent and length and value is not None and value > length and mine:
            shown = {"param": param_of(field), "value": f"{value:g}", "length": f"{length:g}"}
            raise InvalidAnswer("suno.above.track", **shown)
        rule = field.above
        if rule is None or (name is not None and name not in (field.name, rule.input)):
            continue
        other = _number(values.get(rule.input))
        if value is not None and other is not None:
            _check_gap(spec, field, value, other, length)


def _check_gap(
    spec: ModelSpec, field: InputSpec, value: float, other: float, length: float | None
) -> None:
    rule = field.above
    assert rule is not None
    shown = {
        "param": param_of(field),
        "other": param_of(spec.input(rule.input)),
        "value": f"{value:g}",
        "start": f"{other:g}",
    }
    found = rule.problem(value, other)
    if found is not None:
        side, gap = found
        key = f"suno.above.{side}" if gap else "suno.above.after"
        raise InvalidAnswer(key, gap=f"{gap:g}", **shown)
    share = rule.max_parent_share
    if share is not None and length and value - other > share * length + 1e-9:
        limit = f"{share * length:.2f}".rstrip("0").rstrip(".")
        raise InvalidAnswer(
            "suno.above.share", share=f"{share * 100:g}", limit=limit,
            length=f"{length:g}", **shown,
        )  # fmt: skip
