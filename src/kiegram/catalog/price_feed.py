"""KIE's public price feed (the rows behind kie.ai/pricing) against what the catalog quotes.

A feed row is KIE's own description ("bytedance/seedance-v1-pro, text-to-video, 720p"), a
credit price and its unit. The catalog's cost notes name the rows they were priced from (in
quotes) and some rows start with the model's id, so a row whose price moved points at the
models to look at again. The watch
compares each fresh feed with the last one seen: changed, new and removed rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.cost import credit_range
from kiegram.catalog.spec import ModelSpec


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One row of KIE's price feed."""

    description: str
    credits: Decimal
    unit: str


def rows_from(records: Iterable[Any]) -> dict[str, FeedRow]:
    """The feed's records by description; records without a readable price are skipped."""
    out: dict[str, FeedRow] = {}
    for record in records:
        if not isinstance(record, Mapping):
            continue
        description = " ".join(str(record.get("modelDescription", "")).split())
        try:
            credits = Decimal(str(record.get("creditPrice", "")).strip())
        except InvalidOperation:
            continue
        if description and credits.is_finite():
            out[description] = FeedRow(description, credits, str(record.get("creditUnit", "")))
    return out


def load_feed(text: str) -> dict[str, FeedRow]:
    """A saved or recorded feed: KIE's page body, its `data`, `{"records": [...]}` or a list."""
    data: Any = json.loads(text)
    for key in ("data", "records"):
        if isinstance(data, Mapping) and key in data:
            data = data[key]
    if isinstance(data, Mapping) and "records" in data:
        data = data["records"]
    return rows_from(data if isinstance(data, list) else [])


def dump_feed(rows: Mapping[str, FeedRow]) -> str:
    """The feed as it is saved for the next comparison."""
    records = [
        {"modelDescription": r.description, "creditPrice": str(r.credits), "creditUnit": r.unit}
        for r in sorted(rows.values(), key=lambda r: r.description)
    ]
    return json.dumps({"records": records}, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True, slots=True)
class Change:
    """A feed row that moved, appeared (`before` None) or went (`after` None)."""

    description: str
    before: FeedRow | None
    after: FeedRow | None
    models: tuple[str, ...]  # catalog models whose cost notes name this row


def _quoted_in(spec: ModelSpec, description: str) -> bool:
    """The row is the model's own (it starts with the model's id) or its cost note quotes it."""
    if description.lower().startswith(f"{spec.id.lower()},"):
        return True
    note = spec.cost.note.lower() if spec.cost is not None else ""
    return f"'{description.lower()}'" in note


def models_naming(catalog: Catalog, description: str) -> tuple[str, ...]:
    """The catalog models priced from this feed row (their cost note quotes it)."""
    return tuple(s.id for s in catalog if _quoted_in(s, description))


def changes(
    before: Mapping[str, FeedRow], after: Mapping[str, FeedRow], catalog: Catalog
) -> list[Change]:
    """What differs between two feeds, the rows the catalog was priced from first."""
    found = []
    for description in sorted(set(before) | set(after)):
        old, new = before.get(description), after.get(description)
        if old is not None and new is not None and old.credits == new.credits:
            continue
        found.append(Change(description, old, new, models_naming(catalog, description)))
    return sorted(found, key=lambda c: (not c.models, c.description))


def describe(change: Change, catalog: Catalog) -> str:
    """One line for the terminal or the admin chat (no markup)."""
    if change.before is None and change.after is not None:
        head = f"new: {change.description}: {change.after.credits:f} {change.after.unit}"
    elif change.after is None and change.before is not None:
        head = f"gone: {change.description} (was {change.before.credits:f})"
    else:
        assert change.before is not None and change.after is not None
        was, now = change.before.credits, change.after.credits
        head = f"changed: {change.description}: {was:f} -> {now:f} {change.after.unit}"
    quotes = [_quote(catalog, model) for model in change.models]
    return head + (f"; catalog: {', '.join(quotes)}" if quotes else "")


def _quote(catalog: Catalog, model_id: str) -> str:
    spec = catalog.get(model_id)
    span = credit_range(spec) if spec is not None else None
    if span is None:
        return f"{model_id} (no price)"
    low, high = span
    return f"{model_id} {low:f}" if low == high else f"{model_id} {low:f}-{high:f}"


def report(found: Sequence[Change], catalog: Catalog) -> list[str]:
    """Every change as a line, those the catalog was priced from first."""
    return [describe(change, catalog) for change in found]
