"""Object lists as data: one item's checks, the whole list's checks, and lists typed as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kiegram.catalog import InputKind, InputSpec, ModelSpec
from kiegram.wizard.answers import Answer, TextAnswer
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.media import media_word
from kiegram.wizard.parse import param_of, show

Take = Callable[[ModelSpec, Mapping[str, Any], InputSpec, Answer], Any]
"""The engine's `take`: the value an answer gives an input (passed in: no import cycle)."""


def least(field: InputSpec) -> int:
    """The fewest items the list needs before Done (one when it is required)."""
    low = field.min_items or 0
    return max(low, 1) if field.required else low


def is_full(field: InputSpec, items: Sequence[Any]) -> bool:
    """True when no further item may be added."""
    return field.max_items is not None and len(items) >= field.max_items


def _kind(value: Any) -> str | None:
    """The media kind of a stored file value (a ref dict or a list of them)."""
    first = value[0] if isinstance(value, list) and value else value
    return str(first.get("media")) if isinstance(first, Mapping) else None


def applies(sub: InputSpec, item: Mapping[str, Any]) -> bool:
    """True while the item's files let this item field be asked and sent (`when_media`)."""
    return all(_kind(item.get(name)) == kind.value for name, kind in sub.when_media.items())


def check_item(field: InputSpec, item: Mapping[str, Any], number: int) -> None:
    """Every required field of one item has a value; spans between fields are kept."""
    for sub in field.item_fields:
        if not applies(sub, item):
            continue
        if sub.required and item.get(sub.name, sub.default) in (None, ""):
            raise InvalidAnswer(
                "shapes.err_item_missing", param=param_of(field), n=number, field=param_of(sub)
            )
        _check_span(field, sub, item, number)


def _check_span(field: InputSpec, sub: InputSpec, item: Mapping[str, Any], number: int) -> None:
    """`sub` less its `span_from` field lies within the documented span (when either is set)."""
    start_name = sub.span_from
    if start_name is None or (sub.name not in item and start_name not in item):
        return
    start = next(f for f in field.item_fields if f.name == start_name)
    low = _number(item.get(start_name, start.default))
    high = _number(item.get(sub.name, sub.default))
    if low is None or high is None:
        return
    span = high - low
    if (sub.span_min is not None and span < sub.span_min) or (
        sub.span_max is not None and span > sub.span_max
    ):
        raise InvalidAnswer(
            "elements.err_span",
            param=param_of(field),
            n=number,
            field=param_of(sub),
            other=param_of(start),
            min=show(sub.span_min),
            max=show(sub.span_max),
            span=show(span),
        )


def check_unique(field: InputSpec, items: Sequence[Mapping[str, Any]]) -> None:
    """Item fields marked `unique` differ from item to item (two elements, two names)."""
    for sub in field.item_fields:
        seen: set[str] = set()
        for number, item in enumerate(items, start=1):
            value = item.get(sub.name)
            if not sub.unique or value is None:
                continue
            if str(value) in seen:
                raise InvalidAnswer(
                    "elements.err_duplicate",
                    param=param_of(field),
                    n=number,
                    field=param_of(sub),
                    value=str(value),
                )
            seen.add(str(value))


def total_length(field: InputSpec, items: Sequence[Mapping[str, Any]]) -> int:
    """Characters in all items' text fields together."""
    texts = [s.name for s in field.item_fields if s.kind is InputKind.TEXT]
    return sum(len(str(item.get(name) or "")) for item in items for name in texts)


def check_total(field: InputSpec, items: Sequence[Mapping[str, Any]]) -> None:
    """All items' texts stay within the list's character limit."""
    limit = field.max_total_length
    length = total_length(field, items)
    if limit is not None and length > limit:
        raise InvalidAnswer(
            "shapes.err_total_too_long", param=param_of(field), limit=limit, length=length
        )


def check_count(field: InputSpec, items: Sequence[Any]) -> None:
    """The number of items is within the documented bounds."""
    count = len(items)
    if field.max_items is not None and count > field.max_items:
        raise InvalidAnswer(
            "shapes.err_too_many_items", param=param_of(field), limit=field.max_items, count=count
        )
    if count < least(field):
        raise InvalidAnswer(
            "shapes.err_too_few_items", param=param_of(field), limit=least(field), count=count
        )


def _as_answer(sub: InputSpec, value: Any) -> TextAnswer:
    """A JSON value as the typed answer the input's parser reads."""
    if isinstance(value, bool):
        return TextAnswer("true" if value else "false")
    if sub.is_media and isinstance(value, list):
        return TextAnswer(" ".join(str(v) for v in value))
    if isinstance(value, str):
        return TextAnswer(value, exact=True)
    return TextAnswer(json.dumps(value))


def parse_items(spec: ModelSpec, field: InputSpec, raw: str, take: Take) -> list[dict[str, Any]]:
    """A list typed as JSON (`--set dialogue='[{"text": ..., "voice": ...}]'`), every item
    and field checked as the chat checks them."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidAnswer("shapes.err_not_json", param=param_of(field)) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidAnswer("shapes.err_not_json", param=param_of(field))
    subs = {sub.name: sub for sub in field.item_fields}
    items: list[dict[str, Any]] = []
    for number, raw_item in enumerate(data, start=1):
        unknown = sorted(set(raw_item) - set(subs))
        if unknown:
            raise InvalidAnswer(
                "shapes.err_unknown_field", param=param_of(field), n=number, field=unknown[0]
            )
        item: dict[str, Any] = {}
        for name, value in raw_item.items():
            if value is not None:
                item[name] = take(spec, item, subs[name], _as_answer(subs[name], value))
        idle = [name for name in item if not applies(subs[name], item)]
        if idle:
            sub = subs[idle[0]]
            raise InvalidAnswer(
                "elements.err_not_for_files",
                param=param_of(field),
                n=number,
                field=param_of(sub),
                media=media_word(next(iter(sub.when_media.values())).value),
            )
        check_item(field, item, number)
        items.append(item)
    check_count(field, items)
    check_total(field, items)
    check_unique(field, items)
    return items


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def check_sums(spec: ModelSpec, values: Mapping[str, Any]) -> None:
    """Lists whose items' lengths must add up to (or stay within) another input's value, and
    files that must fit the places several inputs share."""
    _check_slots(spec, values)
    current = spec.current(values)
    for field in spec.inputs:
        items = values.get(field.name)
        if field.item_sum is None or not isinstance(items, list):
            continue
        total = sum(_number(item.get(field.item_sum)) or 0 for item in items)
        bound_name = field.sum_equals or field.sum_at_most or ""
        bound = _number(current(bound_name))
        if bound is None:
            continue
        sub = next(f for f in field.item_fields if f.name == field.item_sum)
        shown = {
            "param": param_of(field),
            "field": param_of(sub),
            "other": param_of(spec.input(bound_name)),
            "total": f"{total:g}",
            "bound": f"{bound:g}",
        }
        if field.sum_equals is not None and abs(total - bound) > 1e-9:
            raise InvalidAnswer("shapes.err_sum_equal", **shown)
        if field.sum_at_most is not None and total > bound + 1e-9:
            raise InvalidAnswer("shapes.err_sum_above", **shown)


def _check_slots(spec: ModelSpec, values: Mapping[str, Any]) -> None:
    """The files given fit the model's shared places (a source video takes two of seven)."""
    budget = spec.slots
    if budget is None:
        return
    used = budget.used(values)
    if used <= budget.limit:
        return
    given = [n for n in budget.costs if values.get(n) not in (None, "", [])]
    costly = max(given, key=lambda n: budget.costs[n])
    raise InvalidAnswer(
        "omni.err_slots",
        used=used,
        limit=budget.limit,
        param=param_of(spec.input(costly)),
        cost=budget.costs[costly],
    )
