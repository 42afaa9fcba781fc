"""The input shapes beyond one value: object lists (`item_fields`) and a model's `modes`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kiegram.catalog.kinds import InputKind
from kiegram.catalog.spec import MODE_INPUT, InputSpec, ModelSpec
from kiegram.errors import CatalogError


def with_mode_input(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A raw model with `modes` gets the mode choice as its first input and first step."""
    out = dict(raw)
    modes = out.get("modes") or []
    if not modes:
        return out
    choice = {
        "name": MODE_INPUT,
        "kind": "choice",
        "required": True,
        "options": [{"value": m.get("id"), "label": m.get("label")} for m in modes],
    }
    if out.get("mode_label") is not None:
        choice["label"] = out["mode_label"]
    out["inputs"] = [choice, *out.get("inputs", [])]
    out["order"] = [MODE_INPUT, *[n for n in out.get("order", []) if n != MODE_INPUT]]
    return out


def check_shapes(spec: ModelSpec, where: str) -> None:
    """Modes name known inputs, each in one mode; object lists have item fields."""
    known = {i.name for i in spec.inputs}
    seen: set[str] = set()
    for mode in spec.modes:
        for name in mode.inputs:
            if name not in known or name == MODE_INPUT:
                raise CatalogError(f"{where}: mode {mode.id!r} names an unknown input {name!r}")
            if name in seen:
                raise CatalogError(f"{where}: input {name!r} is in two modes")
            seen.add(name)
    if spec.modes and spec.mode_label is None:
        raise CatalogError(f"{where}: a model with modes needs a mode_label")
    for field in spec.inputs:
        if field.kind is InputKind.OBJECT_LIST and not field.item_fields:
            raise CatalogError(f"{where}: object_list {field.name!r} has no item_fields")
        if field.item_fields and field.kind is not InputKind.OBJECT_LIST:
            raise CatalogError(f"{where}: only an object_list has item_fields ({field.name!r})")
        nested = [f.name for f in field.item_fields if f.kind is InputKind.OBJECT_LIST]
        if nested:
            raise CatalogError(f"{where}: {field.name!r}: lists inside items are not asked")
        _check_sum(field, known, where)
        _check_item_rules(field, where)
        for one in (field, *field.item_fields):
            _check_media_counts(one, where)
            _check_pattern(one, where)
            timed = one.min_seconds is not None or one.max_seconds is not None
            if timed and not one.is_media:
                raise CatalogError(f"{where}: {one.name!r}: min/max_seconds are for files")
        if field.as_string and field.kind not in (InputKind.INTEGER, InputKind.NUMBER):
            raise CatalogError(f"{where}: as_string is for integer/number inputs ({field.name!r})")


def _check_sum(field: InputSpec, known: set[str], where: str) -> None:
    """`item_sum` names a number item field; the bound names another input."""
    bounds = [n for n in (field.sum_equals, field.sum_at_most) if n is not None]
    if field.item_sum is None:
        if bounds:
            raise CatalogError(f"{where}: {field.name!r}: sum_equals/sum_at_most need item_sum")
        return
    numbers = {f.name for f in field.item_fields if f.kind in (InputKind.INTEGER, InputKind.NUMBER)}
    if field.item_sum not in numbers or len(bounds) != 1 or bounds[0] not in known:
        raise CatalogError(
            f"{where}: {field.name!r}: item_sum needs a number item field and one bound"
        )


def _check_media_counts(field: InputSpec, where: str) -> None:
    """Per-kind counts belong to a media list that takes more than one kind."""
    if not field.media_counts:
        return
    if field.kind is not InputKind.MEDIA_LIST or field.media is not None:
        raise CatalogError(f"{where}: {field.name!r}: media_counts need a media_list of any kind")
    for kind, count in field.media_counts.items():
        if count.min < 1 or (count.max is not None and count.max < count.min):
            raise CatalogError(f"{where}: {field.name!r}: media_counts[{kind}] is no range")


def _check_pattern(field: InputSpec, where: str) -> None:
    if field.pattern is None:
        return
    if field.kind is not InputKind.TEXT or field.pattern_hint is None:
        raise CatalogError(f"{where}: {field.name!r}: a pattern is for text, with a hint")
    try:
        re.compile(field.pattern)
    except re.error as exc:
        raise CatalogError(f"{where}: {field.name!r}: bad pattern: {exc}") from exc


def _check_item_rules(field: InputSpec, where: str) -> None:
    """`when_media` and `span_from` name another field of the same item, of the right kind;
    `unique` is for item fields only."""
    if field.when_media or field.span_from is not None or field.unique:
        raise CatalogError(f"{where}: {field.name!r}: when_media/span_from/unique are for items")
    subs = {f.name: f for f in field.item_fields}
    for sub in field.item_fields:
        for name in sub.when_media:
            if name not in subs or not subs[name].is_media or name == sub.name:
                raise CatalogError(f"{where}: {sub.name!r}: when_media names no media field")
        if sub.span_from is None:
            continue
        other = subs.get(sub.span_from)
        numbers = (InputKind.INTEGER, InputKind.NUMBER)
        if other is None or other is sub or other.kind not in numbers or sub.kind not in numbers:
            raise CatalogError(f"{where}: {sub.name!r}: span_from names no number field")
