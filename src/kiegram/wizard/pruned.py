"""Why an answer would not be sent: the reasons `kiegram try` gives instead of dropping it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard.display import value_text
from kiegram.wizard.parse import param_of
from kiegram.wizard.state import is_active, prune
from kiegram.wizard.view import Msg, Text


def _joined(parts: list[Text], key: str) -> Text:
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = Msg(key, {"head": part, "tail": out})
    return out


def _shown(field: InputSpec, value: Any) -> Text:
    """A value as its option's label when it has one (false -> "Single shot")."""
    for option in field.options:
        if option.value == value and type(option.value) is type(value) and option.label:
            return option.label
    return value_text(field, value)


def reason(spec: ModelSpec, field: InputSpec, values: Mapping[str, Any]) -> Msg:
    """Why `field` is inactive under `values`."""
    mode = spec.mode_of(field.name)
    if mode is not None and not spec.in_mode(field.name, values):
        return Msg("shapes.pruned_mode", {"mode": mode.label})
    by_name = spec.inputs_by_name()
    conditions: list[Text] = []
    for name, allowed in field.when.items():
        if not allowed:
            return Msg("shapes.pruned_never")
        other = by_name[name]
        shown = _joined([_shown(other, v) for v in allowed], "shapes.join_alt")
        conditions.append(Msg("shapes.condition", {"param": param_of(other), "values": shown}))
    return Msg("shapes.pruned_when", {"conditions": _joined(conditions, "shapes.join_names")})


def first_pruned(spec: ModelSpec, values: Mapping[str, Any]) -> Msg | None:
    """The refusal for the first given answer `prune` would drop, or None."""
    kept = prune(spec, values)
    by_name = spec.inputs_by_name()
    for name in values:
        if name in by_name and name not in kept:
            field = by_name[name]
            # Judge it against the answers that stay: that is what would be sent.
            why = reason(spec, field, kept) if not is_active(spec, field, kept) else None
            if why is not None:
                return Msg("shapes.err_pruned", {"param": param_of(field), "reason": why})
    return None
