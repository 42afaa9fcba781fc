"""Create-request validation against the catalog, the way KIE answers 422."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog.kinds import InputKind, MediaKind
from kiegram.catalog.spec import InputSpec, ModelSpec
from kiegram.wizard.media import guess_mime, kind_of


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _matches(option: Any, value: Any) -> bool:
    if isinstance(option, bool) or isinstance(value, bool):
        return option is value
    if _is_number(option) and _is_number(value):
        return bool(option == value)
    return type(option) is type(value) and option == value


def _range_problem(spec: InputSpec, value: Any) -> str | None:
    if not _is_number(value) or (spec.kind is InputKind.INTEGER and value != int(value)):
        return f"{spec.name} must be a {spec.kind.value}"
    if spec.min is not None and value < spec.min:
        return f"{spec.name} must be at least {spec.min:g}"
    if spec.max is not None and value > spec.max:
        return f"{spec.name} must be at most {spec.max:g}"
    return None


def _text_problem(spec: InputSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{spec.name} must be a string"
    if spec.max_length is not None and len(value) > spec.max_length:
        return f"{spec.name} is longer than {spec.max_length} characters"
    if spec.min_length is not None and len(value) < spec.min_length:
        return f"{spec.name} is shorter than {spec.min_length} characters"
    return None


def _list_problem(spec: InputSpec, value: Any) -> str | None:
    if not isinstance(value, list) or not all(_is_url(v) for v in value):
        return f"{spec.name} must be a list of http(s) URLs"
    if spec.min_items is not None and len(value) < spec.min_items:
        return f"{spec.name} needs at least {spec.min_items} items"
    if spec.max_items is not None and len(value) > spec.max_items:
        return f"{spec.name} takes at most {spec.max_items} items"
    return _kinds_problem(spec, value)


def _kinds_problem(spec: InputSpec, urls: list[str]) -> str | None:
    """A list of mixed kinds (Kling's element: 2-4 photos or 1 video): files of one kind,
    as many as it takes; files whose kind their name does not tell are not judged."""
    found = [kind_of(guess_mime(url)) for url in urls]
    kinds = {kind for kind in found if kind is not None}
    if not spec.media_counts or len(kinds) < len(set(found)):
        return None
    bound = spec.media_counts.get(MediaKind(kinds.pop())) if len(kinds) == 1 else None
    if bound is None:
        return f"{spec.name} mixes kinds of files"
    if len(urls) < bound.min or (bound.max is not None and len(urls) > bound.max):
        return f"{spec.name}: {len(urls)} files of that kind is not allowed"
    return None


def _number_text_problem(spec: InputSpec, value: Any) -> str | None:
    """A number KIE documents as a JSON string ("5")."""
    if not isinstance(value, str):
        return f"{spec.name} must be a string"
    try:
        number = float(value)
    except ValueError:
        return f"{spec.name} must be a number written as a string"
    return _range_problem(spec, int(number) if number.is_integer() else number)


def _objects_problem(spec: InputSpec, value: Any) -> str | None:
    """An object list: its item count, each item's fields, the texts' total length."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return f"{spec.name} must be a list of objects"
    if spec.min_items is not None and len(value) < spec.min_items:
        return f"{spec.name} needs at least {spec.min_items} items"
    if spec.max_items is not None and len(value) > spec.max_items:
        return f"{spec.name} takes at most {spec.max_items} items"
    subs = {sub.name: sub for sub in spec.item_fields}
    for number, item in enumerate(value, start=1):
        unknown = sorted(set(item) - set(subs))
        if unknown:
            return f"{spec.name}[{number}]: unknown fields: {', '.join(unknown)}"
        for sub in spec.item_fields:
            if item.get(sub.name) in (None, ""):
                if sub.required:
                    return f"{spec.name}[{number}].{sub.name} is required"
                continue
            problem = value_problem(sub, item[sub.name])
            if problem is not None:
                return f"{spec.name}[{number}]: {problem}"
    texts = [s.name for s in spec.item_fields if s.kind is InputKind.TEXT]
    total = sum(len(str(item.get(t) or "")) for item in value for t in texts)
    if spec.max_total_length is not None and total > spec.max_total_length:
        return f"{spec.name}: the texts are longer than {spec.max_total_length} characters"
    return None


def value_problem(spec: InputSpec, value: Any) -> str | None:
    """What is wrong with one value, or None."""
    kind = spec.kind
    if kind is InputKind.OBJECT_LIST:
        return _objects_problem(spec, value)
    if spec.as_string:
        return _number_text_problem(spec, value)
    if spec.options and kind is not InputKind.MEDIA_LIST:
        allowed = spec.option_values()
        if not any(_matches(o, value) for o in allowed):
            return f"{spec.name} must be one of {', '.join(map(str, allowed))}"
        return None
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        return _range_problem(spec, value)
    if kind is InputKind.BOOLEAN:
        return None if isinstance(value, bool) else f"{spec.name} must be a boolean"
    if kind is InputKind.TEXT:
        return _text_problem(spec, value)
    if kind is InputKind.MEDIA:
        return None if _is_url(value) else f"{spec.name} must be an http(s) URL"
    if kind is InputKind.MEDIA_LIST:
        return _list_problem(spec, value)
    return None


def validate_input(spec: ModelSpec, payload: Mapping[str, Any]) -> str | None:
    """The first problem of a request's input for ``spec``, or None when KIE would take it."""
    known = {name: i for name, i in spec.inputs_by_name().items() if not i.is_mode}
    unknown = sorted(set(payload) - set(known))
    if unknown:
        return f"unknown input fields: {', '.join(unknown)}"
    mixed = _modes_problem(spec, payload)
    if mixed is not None:
        return mixed
    for item in known.values():
        value = payload.get(item.name)
        if value is None or value == "":
            if item.required and item.active(payload.get) and _mode_needs(spec, item, payload):
                return f"{item.name} is required"
            continue
        problem = value_problem(item.under(spec.current(payload)), value)
        if problem is not None:
            return problem
    return _sums_problem(spec, payload) or _above_problem(spec, payload)


def _above_problem(spec: ModelSpec, payload: Mapping[str, Any]) -> str | None:
    """A number not far enough above the one it must follow (a section's end and start)."""
    for item in spec.inputs:
        rule, value, other = item.above, payload.get(item.name), None
        if rule is not None:
            other = payload.get(rule.input)
        if rule is None or not _numbers(value, other):
            continue
        found = rule.problem(float(value), float(other))  # type: ignore[arg-type]
        if found is not None:
            side, gap = found
            less = "at least" if side == "min" else "at most"
            return f"{item.name} must be {less} {gap:g} above {rule.input}"
    return None


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _mode_needs(spec: ModelSpec, item: InputSpec, payload: Mapping[str, Any]) -> bool:
    """False for a required input of a mode the request does not use (Wan 2.7's first frame
    when a clip is continued); with no mode's input sent, the first mode's are missing."""
    mode = spec.mode_of(item.name)
    if mode is None:
        return True
    used = [m for m in spec.modes if any(payload.get(n) not in (None, "", []) for n in m.inputs)]
    return mode in used if used else mode == spec.modes[0]


def _modes_problem(spec: ModelSpec, payload: Mapping[str, Any]) -> str | None:
    """Inputs of two of the model's mutually exclusive modes sent together."""
    used = [m for m in spec.modes if any(payload.get(n) not in (None, "", []) for n in m.inputs)]
    if len(used) > 1:
        names = [next(n for n in m.inputs if payload.get(n) not in (None, "", [])) for m in used]
        return f"{' and '.join(names)} cannot be sent together"
    return None


def _sums_problem(spec: ModelSpec, payload: Mapping[str, Any]) -> str | None:
    """A list's lengths that do not add up to the input they make up (Kling's duration), or
    files over the places several inputs share (Gemini Omni's 7)."""
    if spec.slots is not None and spec.slots.used(payload) > spec.slots.limit:
        names = ", ".join(spec.slots.costs)
        return f"{names}: the files take {spec.slots.used(payload)} of {spec.slots.limit} places"
    for item in spec.inputs:
        items = payload.get(item.name)
        bound_name = item.sum_equals or item.sum_at_most
        if item.item_sum is None or bound_name is None or not isinstance(items, list):
            continue
        try:
            total = sum(float(i.get(item.item_sum) or 0) for i in items if isinstance(i, dict))
            bound = float(payload.get(bound_name, spec.input(bound_name).default))
        except (TypeError, ValueError):
            continue  # the values' own checks report it
        summed = f"{item.name}: the {item.item_sum}s add up to {total:g}"
        if item.sum_equals is not None and abs(total - bound) > 1e-9:
            return f"{summed}, not {bound_name} {bound:g}"
        if item.sum_at_most is not None and total > bound + 1e-9:
            return f"{summed}, over {bound_name} {bound:g}"
    return None
