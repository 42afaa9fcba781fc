"""The JSON state and what it implies: active inputs, the steps, the settings.

State keys: "v" (format version), "model" (KIE id), "lang" (the language of the example
prompts a button fills in; "ru" when absent), "values" (KIE input name -> answer;
media as ref dicts, lists for media_list), "screen" (a ScreenKind value), "field" (the input
of a "step" or "edit" screen) and "history" (screens Back returns to, last on top).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kiegram.catalog import InputKind, InputSpec, ModelSpec
from kiegram.wizard.view import ScreenKind

STATE_VERSION = 1


def new_state(model_id: str, lang: str = "ru") -> dict[str, Any]:
    """A fresh state before the first screen is chosen; `lang` picks the example prompts."""
    return {
        "v": STATE_VERSION,
        "model": model_id,
        "lang": lang,
        "values": {},
        "screen": ScreenKind.STEP.value,
        "field": None,
        "history": [],
    }


def clone(state: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy: the caller's dict is never mutated."""
    return copy.deepcopy(dict(state))


def current(field: InputSpec, values: Mapping[str, Any]) -> Any:
    """The value the input has now: the answer, else the documented default."""
    return values.get(field.name, field.default)


def limited(spec: ModelSpec, field: InputSpec, values: Mapping[str, Any]) -> InputSpec:
    """The input with the limits that apply to these answers (`InputSpec.limits`)."""
    return field.under(spec.current(values)) if field.limits else field


def is_active(spec: ModelSpec, field: InputSpec, values: Mapping[str, Any]) -> bool:
    """True when every input named in `when` currently has one of the listed values (and the
    input belongs to the chosen mode, if the model has modes)."""
    if spec.modes and not spec.in_mode(field.name, values):
        return False
    return not field.when or field.active(spec.current(values))


def prune(spec: ModelSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers of inputs whose `when` no longer holds (until nothing changes)."""
    out = dict(values)
    while True:
        dead = [f.name for f in spec.inputs if f.name in out and not is_active(spec, f, out)]
        if not dead:
            return out
        for name in dead:
            del out[name]


def asked(spec: ModelSpec, values: Mapping[str, Any]) -> list[InputSpec]:
    """Askable, active inputs."""
    return [f for f in spec.inputs if f.askable and is_active(spec, f, values)]


def needed(field: InputSpec) -> bool:
    """True for an input the model cannot run without: required and no documented default."""
    return field.required and field.default in (None, "")


def steps(spec: ModelSpec, values: Mapping[str, Any]) -> list[InputSpec]:
    """The step screens: the inputs the model cannot run without, `order` first, then the
    catalog's order. Everything else keeps its default and is one tap away on the confirm."""
    active = {f.name: f for f in asked(spec, values) if needed(f)}
    out = [active[n] for n in spec.order if n in active]
    listed = {f.name for f in out}
    return out + [f for f in active.values() if f.name not in listed]


def settings(spec: ModelSpec, values: Mapping[str, Any]) -> list[InputSpec]:
    """Every other askable, active input: optional ones and required ones with a default."""
    step_names = {f.name for f in steps(spec, values)}
    return [f for f in asked(spec, values) if f.name not in step_names]


def extras(spec: ModelSpec, values: Mapping[str, Any]) -> list[InputSpec]:
    """Optional files offered on the confirm as their own button ("➕ Reference images")."""
    return [f for f in settings(spec, values) if f.is_media]


def prompt_input(spec: ModelSpec) -> InputSpec | None:
    """The text the model's example prompts fill: "prompt", else its first needed text."""
    texts = [f for f in spec.inputs if f.kind is InputKind.TEXT and f.askable]
    named = next((f for f in texts if f.name == "prompt"), None)
    return named or next((f for f in texts if needed(f)), None)


def media_only(spec: ModelSpec, values: Mapping[str, Any]) -> bool:
    """True when every step is a file: confirm follows the last file at once."""
    found = steps(spec, values)
    return bool(found) and all(f.is_media for f in found)


def is_set(field: InputSpec, values: Mapping[str, Any]) -> bool:
    """True when the input has an answer or a sendable default."""
    value = current(field, values)
    if field.kind is InputKind.TEXT and field.required:
        return isinstance(value, str) and bool(value.strip())
    return value is not None
