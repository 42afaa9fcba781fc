"""Prices per option: which options have a known cost, and what the generation would cost."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from itertools import islice, product
from typing import Any

from kiegram.catalog import InputKind, InputSpec, ModelSpec, Value, credits_for
from kiegram.catalog.cost import ONE_SECOND, PRESENT_STANDIN, given, media_seconds

MAX_PROBES = 256  # combinations tried when other cost inputs are still open


def credits(spec: ModelSpec, values: Mapping[str, Any]) -> Decimal | None:
    """KIE credits of the whole generation with these answers, or None when unknown."""
    return credits_for(spec, values)


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
