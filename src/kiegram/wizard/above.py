"""Cross-field rule between two numbers: one must lie above the other (a section's end after
its start), by the gap the catalog gives (`InputSpec.above`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import ModelSpec
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.parse import param_of


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_above(spec: ModelSpec, values: Mapping[str, Any], name: str | None = None) -> None:
    """Refuse values where a number is not far enough above the one it must follow; with
    `name`, only the rules that input takes part in (both numbers must be answered)."""
    for field in spec.inputs:
        rule = field.above
        if rule is None or (name is not None and name not in (field.name, rule.input)):
            continue
        value, other = _number(values.get(field.name)), _number(values.get(rule.input))
        if value is None or other is None:
            continue
        found = rule.problem(value, other)
        if found is None:
            continue
        side, gap = found
        raise InvalidAnswer(
            f"h3_suno.above.{side}" if gap else "h3_suno.above.after",
            param=param_of(field),
            other=param_of(spec.input(rule.input)),
            value=f"{value:g}",
            start=f"{other:g}",
            gap=f"{gap:g}",
        )
