"""KIE credits, computed from a model's CostSpec: of a set of answers (`credits_for`), of
each option of a question (`prices_for`, `offered`) and a model's range (`credit_range`).

The user's price of these credits is `billing.PriceRules`; `bot.prices.PriceBook` words it."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from itertools import islice, product
from typing import Any

from kiegram.catalog.kinds import InputKind
from kiegram.catalog.spec import CostExtra, CostSpec, InputSpec, ModelSpec, Value, dump_value, holds

PRESENT, ABSENT = "present", "absent"
"""The key parts of an input named in `CostSpec.present`: a file or list given or not."""


def given(value: Any) -> bool:
    """True when a media answer holds at least one file (or a text is not empty)."""
    return value not in (None, "", [], (), {})


def _part(cost: CostSpec, name: str, values: Mapping[str, Any]) -> str:
    if name in cost.present:
        return PRESENT if given(values.get(name)) else ABSENT
    return dump_value(values.get(name, ""))


def _row(cost: CostSpec, values: Mapping[str, Any]) -> float | None:
    parts = [_part(cost, name, values) for name in cost.by]
    if not cost.by:
        return cost.table.get("*")
    for key, credits in cost.table.items():
        pattern = key.split("|")
        if len(pattern) == len(parts) and all(
            p in ("*", v) for p, v in zip(pattern, parts, strict=True)
        ):
            return credits
    return None


ONE_SECOND: Mapping[str, Any] = {"ref": "", "media": "", "duration": 1}
"""A stand-in file of one second: ranges and probes of per-second prices use it."""


def media_seconds(value: Any) -> float | None:
    """The total duration of a stored media value (a ref dict or a list), None if unknown."""
    items = value if isinstance(value, list | tuple) else [value]
    total = 0.0
    for item in items:
        seconds = item.get("duration") if isinstance(item, Mapping) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return None
        total += float(seconds)
    return total if items else None


def billed_seconds(cost: CostSpec, seconds: float) -> int:
    """Seconds KIE charges for: whole seconds rounded up, at least one and `min_seconds`."""
    return max(math.ceil(seconds), math.ceil(cost.min_seconds or 1), 1)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return float(value)
    return None


def _multiplier(cost: CostSpec, values: Mapping[str, Any], chars: int | None) -> float | None:
    factor = 1.0
    if cost.per_media_seconds is not None:
        seconds = media_seconds(values.get(cost.per_media_seconds))
        if seconds is None:
            return None
        factor *= billed_seconds(cost, seconds)
    if cost.per is not None:
        value = values.get(cost.per)
        amount = float(len(value)) if isinstance(value, list | tuple) else _number(value)
        if amount is None:
            return None
        factor *= amount / cost.per_unit
        if cost.per_divisor is not None:
            divisor = _number(values.get(cost.per_divisor))
            if divisor is None or divisor <= 0:
                return None
            factor /= divisor
    if cost.per_chars is not None:
        if chars is None:
            return None
        factor *= max(1, math.ceil(chars / cost.chars_unit))
    return factor


def _items(value: Any) -> int:
    if isinstance(value, list | tuple):
        return len(value)
    return 1 if given(value) else 0


def _extra(cost: CostSpec, extra: CostExtra, values: Mapping[str, Any]) -> Decimal | None:
    """The credits one extra adds, None when they cannot be known (a file's length)."""
    if not holds(extra.when, lambda name: values.get(name)):
        return Decimal(0)
    count = 0.0
    if extra.per_item is not None:
        count = max(0, _items(values.get(extra.per_item)) - extra.free_items)
    elif extra.per_media_seconds is not None:
        files = values.get(extra.per_media_seconds)
        if given(files):
            seconds = media_seconds(files)
            if seconds is None:
                return None
            count = billed_seconds(cost, seconds)
    return Decimal(str(extra.credits)) * Decimal(str(count))


def text_chars(spec: ModelSpec, name: str, value: Any) -> int | None:
    """Characters of a text input, or of every item's text fields of an object list."""
    if isinstance(value, str):
        return len(value)
    field = spec.inputs_by_name().get(name)
    if field is None or not field.item_fields or not isinstance(value, list):
        return None
    texts = [f.name for f in field.item_fields if f.kind is InputKind.TEXT]
    return sum(
        len(item[t])
        for item in value
        if isinstance(item, Mapping)
        for t in texts
        if isinstance(item.get(t), str)
    )


def credits_for(spec: ModelSpec, values: Mapping[str, Any]) -> Decimal | None:
    """KIE credits for these answers, or None when the cost is unknown."""
    if spec.cost is None:
        return None
    merged = {i.name: i.default for i in spec.inputs if i.default is not None}
    merged.update(values)
    per_chars = spec.cost.per_chars
    chars = text_chars(spec, per_chars, merged.get(per_chars)) if per_chars else None
    row = _row(spec.cost, merged)
    factor = _multiplier(spec.cost, merged, chars)
    if row is None or factor is None:
        return None
    total = Decimal(str(row)) * Decimal(str(factor))
    for extra in spec.cost.extras:
        added = _extra(spec.cost, extra, merged)
        if added is None:
            return None
        total += added
    return total.quantize(Decimal("0.01"))


PRESENT_STANDIN: tuple[Mapping[str, Any], ...] = (ONE_SECOND,)
"""A given file of one second: what an input named in `CostSpec.present` is probed with."""


def _choices(spec: ModelSpec, name: str) -> tuple[Any, ...]:
    field = spec.input(name)
    if spec.cost is not None and name in spec.cost.present:
        return (None, [dict(f) for f in PRESENT_STANDIN])
    unset: tuple[Any, ...] = (None,) if field.when and field.default is None else ()
    if field.kind is InputKind.BOOLEAN:
        return (False, True, *unset)
    if field.options:
        return (*field.option_values(), *unset)
    return (field.default,)


def combinations(spec: ModelSpec) -> Iterator[dict[str, Any]]:
    """Every combination of the cost-relevant choices (for ranges and the audit)."""
    names = list(spec.cost.by) if spec.cost else []
    if spec.cost and spec.cost.per and spec.cost.per not in names:
        per_field = spec.input(spec.cost.per)
        if per_field.options:
            names.append(spec.cost.per)
    pools = [_choices(spec, n) for n in names]
    # Priced per characters or per second of a file: the range is the price of one unit.
    unit: dict[str, Any] = {}
    if spec.cost and spec.cost.per_chars:
        unit[spec.cost.per_chars] = "x"
    if spec.cost and spec.cost.per_media_seconds:
        unit[spec.cost.per_media_seconds] = dict(ONE_SECOND)
    for combo in product(*pools):
        chosen = dict(zip(names, combo, strict=True))
        if _reachable(spec, chosen):
            yield {**unit, **chosen}


def _reachable(spec: ModelSpec, chosen: Mapping[str, Any]) -> bool:
    """False when an input has a value of its own although its `when` does not hold (it is
    not asked then, nor sent: only its default stands for it), or has none while it holds
    (the unset value stands only for an input that is not asked)."""
    current = spec.current(chosen)
    for name, value in chosen.items():
        field = spec.input(name)
        active = field.active(current)
        if value is None and field.when and field.default is None and active:
            return False
        if value != field.default and not active:
            return False
    return True


def credit_range(spec: ModelSpec) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest known cost over all choice combinations.

    For a model priced per second of a file (`spec.cost.per_second`) it is the price of one
    second, whatever KIE's minimum billed duration. A free model's range is (0, 0).
    """
    unit = spec
    if spec.cost is not None and spec.cost.min_seconds is not None:
        unit = spec.model_copy(update={"cost": spec.cost.model_copy(update={"min_seconds": None})})
    known = [c for c in (credits_for(unit, combo) for combo in combinations(spec)) if c is not None]
    if not known:
        return None
    return min(known), max(known)


# --- per option: what the wizard shows beside each choice ---------------------------------

MAX_PROBES = 256  # combinations tried when other cost inputs are still open


def _open_pools(
    spec: ModelSpec, values: Mapping[str, Any], skip: str
) -> dict[str, tuple[Any, ...]]:
    """Cost inputs without a value yet: every value they could take."""
    pools: dict[str, tuple[Any, ...]] = {}
    by_name = spec.inputs_by_name()
    for name in spec.cost.by if spec.cost else ():
        field = by_name[name]
        if name == skip or values.get(name, field.default) is not None:
            continue
        if spec.cost is not None and name in spec.cost.present:
            pools[name] = (None, [dict(f) for f in PRESENT_STANDIN])
        elif field.kind is InputKind.BOOLEAN:
            pools[name] = (False, True)
        elif field.options:
            pools[name] = field.option_values()
    return pools


def _probes(spec: ModelSpec, values: Mapping[str, Any], name: str) -> Iterator[dict[str, Any]]:
    base = dict(values)
    cost = spec.cost
    # Quantities not given yet (the text of a TTS prompt, a count) must not hide a price row.
    if cost is not None and cost.per_chars and not isinstance(base.get(cost.per_chars), str):
        base[cost.per_chars] = "x"
    seconds = cost.per_media_seconds if cost is not None else None
    if seconds is not None and media_seconds(base.get(seconds)) is None:
        base[seconds] = dict(ONE_SECOND)
    # Files priced per second by an extra, whose length is unknown, stand in at one second.
    for name in _extra_seconds(spec):
        if given(base.get(name)) and media_seconds(base[name]) is None:
            base[name] = dict(ONE_SECOND)
    if cost is not None and cost.per and cost.per != name and base.get(cost.per) is None:
        per_field = spec.input(cost.per)
        base[cost.per] = per_field.default if per_field.default is not None else 1
    pools = _open_pools(spec, base, name)
    for combo in islice(product(*pools.values()), MAX_PROBES):
        yield {**base, **dict(zip(pools, combo, strict=True))}


def offered(spec: ModelSpec, values: Mapping[str, Any], field: InputSpec, value: Value) -> bool:
    """False only when the cost of this option is known to be unknown (no price row)."""
    cost = spec.cost
    if cost is None or (field.name not in cost.by and field.name != cost.per):
        return True
    return any(
        credits_for(spec, {**probe, field.name: value}) is not None
        for probe in _probes(spec, values, field.name)
    )


def prices_for(
    spec: ModelSpec, values: Mapping[str, Any], field: InputSpec, candidates: tuple[Value, ...]
) -> dict[int, Decimal | None]:
    """Index -> credits for every offered candidate; all None when the price does not vary."""
    prices: dict[int, Decimal | None] = {}
    for index, value in enumerate(candidates):
        if offered(spec, values, field, value):
            prices[index] = credits_for(spec, {**values, field.name: value})
    if len(set(prices.values())) <= 1:
        return dict.fromkeys(prices)
    return prices


def _extra_seconds(spec: ModelSpec) -> tuple[str, ...]:
    """The media inputs an extra prices per second of their files."""
    extras = spec.cost.extras if spec.cost is not None else ()
    return tuple(dict.fromkeys(e.per_media_seconds for e in extras if e.per_media_seconds))


def unknown_duration(spec: ModelSpec, values: Mapping[str, Any]) -> InputSpec | None:
    """The per-second media input whose given files have no known duration, if any."""
    name = spec.cost.per_media_seconds if spec.cost is not None else None
    for candidate in (name, *_extra_seconds(spec)):
        if candidate is None or not given(values.get(candidate)):
            continue
        if media_seconds(values[candidate]) is None:
            return spec.input(candidate)
    return None
