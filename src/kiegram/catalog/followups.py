"""Follow-ups: models whose inputs include an earlier generation (a task-reference input)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.kinds import InputKind, ParentPart
from kiegram.catalog.spec import PARENT_SECONDS, ModelSpec, ParentRef, holds
from kiegram.errors import CatalogError


def is_followup(spec: ModelSpec) -> bool:
    """True when the model needs an earlier generation (it is never started empty); a model
    with only optional task references is started from the menu too, and from their results
    with them filled in."""
    return any(i.required for i in spec.task_refs)


def parents_of(spec: ModelSpec) -> frozenset[str]:
    """The models whose results this follow-up takes: those every required reference accepts,
    or, when all are optional, those any one accepts (Gemini Omni: a voice, or a character)."""
    required = [i.parent for i in spec.task_refs if i.parent is not None and i.required]
    if required:
        return frozenset.intersection(*(frozenset(r.models) for r in required))
    return frozenset(m for i in spec.task_refs if i.parent is not None for m in i.parent.models)


def refs_for(spec: ModelSpec, parent_model: str) -> tuple[ParentRef, ...]:
    """The references a result of `parent_model` fills (all of them when it is unknown)."""
    refs = (i.parent for i in spec.task_refs if i.parent is not None)
    return tuple(r for r in refs if not parent_model or parent_model in r.models)


def per_item(spec: ModelSpec) -> bool:
    """True when the follow-up acts on one result item (one button per item)."""
    return any(i.parent is not None and i.parent.per_item for i in spec.task_refs)


@functools.lru_cache(maxsize=8)
def _by_parent(catalog: Catalog) -> Mapping[str, tuple[ModelSpec, ...]]:
    found: dict[str, list[ModelSpec]] = {}
    for spec in catalog.usable():
        for parent in sorted(parents_of(spec)):
            found.setdefault(parent, []).append(spec)
    return {k: tuple(v) for k, v in found.items()}


def followups_of(catalog: Catalog, parent_model: str) -> tuple[ModelSpec, ...]:
    """The usable follow-ups of a model, in catalog order (worked out once per catalog)."""
    return _by_parent(catalog).get(parent_model, ())


class ParentResult:
    """What a follow-up needs of a finished generation: its task, items and inputs."""

    def __init__(
        self,
        task_id: str,
        urls: Sequence[str],
        ids: Sequence[str],
        payload: Mapping[str, Any],
        names: Sequence[str] = (),
        seconds: Sequence[float] = (),
        model: str = "",
    ) -> None:
        self.task_id = task_id
        self.urls = tuple(urls)
        self.ids = tuple(ids)
        self.payload = payload
        self.names = tuple(names)  # what KIE called each item (a segment map's regions)
        self.seconds = tuple(seconds)  # each item's length, where KIE gave it (Suno tracks)
        self.model = model  # the parent's model id ("" when unknown: every reference applies)

    @property
    def items(self) -> int:
        """How many result items (images of a grid, tracks, ids) the generation has."""
        return max(len(self.urls), len(self.ids))


def taken(ref: ParentRef, parent: ParentResult, item: int) -> Any:
    """The value a task-reference input takes from the parent (item: which result, from 0)."""
    part = ref.take
    if part is ParentPart.TASK_ID:
        return parent.task_id
    if part is ParentPart.INDEX:
        return item
    if part is ParentPart.NUMBER:
        return item + 1
    if part is ParentPart.URL:
        return parent.urls[item]
    if part is ParentPart.ITEM_ID:
        return parent.ids[item]
    if part is ParentPart.ITEM_IDS:
        return [parent.ids[item]]
    if part is ParentPart.SEGMENT:
        return [int(parent.ids[item])]
    return parent.payload.get(ref.input)


def filled(spec: ModelSpec, parent: ParentResult, item: int) -> dict[str, Any]:
    """Every task-reference value of a follow-up (absent parent inputs, and references of other
    parent models, are left out)."""
    values: dict[str, Any] = {}
    for field in spec.task_refs:
        if field.parent is None or field.parent not in refs_for(spec, parent.model):
            continue
        value = taken(field.parent, parent, item)
        if value is not None:
            values[field.name] = value
    if per_item(spec) and 0 <= item < len(parent.seconds):
        values[PARENT_SECONDS] = parent.seconds[item]
    return values


def applies(spec: ModelSpec, parent: ParentResult) -> bool:
    """True when every reference's `when` holds for the parent's own inputs and none of its
    `unless` values is among them."""
    refs = refs_for(spec, parent.model)
    return all(
        holds(ref.when, parent.payload.get)
        and not any(parent.payload.get(name) in barred for name, barred in ref.unless.items())
        for ref in refs
    )


def usable_item(spec: ModelSpec, parent: ParentResult, item: int) -> bool:
    """True when the parent has the item (and its id, when the follow-up needs one)."""
    if not 0 <= item < max(parent.items, 1):
        return False
    needs_id = any(
        r.take in (ParentPart.ITEM_ID, ParentPart.ITEM_IDS, ParentPart.SEGMENT)
        for r in refs_for(spec, parent.model)
    )
    if not needs_id:
        return True
    if item >= len(parent.ids):
        return False
    segment = any(
        i.parent is not None and i.parent.take is ParentPart.SEGMENT for i in spec.task_refs
    )
    return not segment or parent.ids[item].isdigit()


# A result button packs "j:f<code>.<item>:<job id, 32 hex>" into Telegram's 64 bytes.
MAX_FOLLOWUP_CODE = 64 - len("j:f.99:") - 32


def check_parents(specs: Iterable[ModelSpec]) -> None:
    """Every task reference names a parent and only models the catalog has."""
    listed = list(specs)
    known = {s.id for s in listed}
    for spec in listed:
        if is_followup(spec) and len(spec.code.encode()) > MAX_FOLLOWUP_CODE:
            raise CatalogError(
                f"{spec.source}: model {spec.id!r}: a follow-up's code takes at most "
                f"{MAX_FOLLOWUP_CODE} bytes (its result buttons carry it)"
            )
        for field in spec.inputs:
            where = f"{spec.source}: model {spec.id!r}: {field.name}"
            if (field.kind is InputKind.TASK_REF) != (field.parent is not None):
                raise CatalogError(f"{where}: a task_ref input needs a parent, and only it")
            if field.parent is None:
                continue
            missing = [m for m in field.parent.models if m not in known]
            if not field.parent.models or missing:
                raise CatalogError(f"{where}: parent names unknown models {missing}")
            if (field.parent.take is ParentPart.INPUT) != bool(field.parent.input):
                raise CatalogError(f"{where}: parent.input goes with take = 'input' only")
