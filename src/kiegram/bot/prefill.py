"""Wizard states pre-filled from an earlier job: repeat, new variation, result as an input."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from kiegram.catalog import Catalog, InputKind, InputSpec, ModelSpec
from kiegram.wizard import InvalidAnswer, MediaRef
from kiegram.wizard.media import check_media, guess_mime
from kiegram.wizard.modes import infer_mode
from kiegram.wizard.navigation import after_steps, forward, go
from kiegram.wizard.state import clone, new_state, prune, steps
from kiegram.wizard.view import ScreenKind

STEP = ScreenKind.STEP.value


def _ref(url: str, kind: str) -> dict[str, Any]:
    return MediaRef(url, kind, guess_mime(url), None, None).to_json()


def media_value(field: InputSpec, urls: list[str]) -> Any:
    """Refs as the wizard stores them: one dict for media, a list for media_list."""
    kind = field.media.value if field.media else "image"
    refs = [_ref(url, kind) for url in urls]
    return refs[0] if field.kind is InputKind.MEDIA else refs


def values_from_payload(spec: ModelSpec, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Wizard values from a job's payload (KIE's names; media as refs)."""
    values: dict[str, Any] = {}
    for field in spec.inputs:
        value = payload.get(field.name)
        if not (field.askable or field.kind is InputKind.TASK_REF) or value is None:
            continue
        if field.is_media:
            urls = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            if urls:
                values[field.name] = media_value(field, urls)
        else:
            values[field.name] = value
    return prune(spec, infer_mode(spec, values))


def state_at(spec: ModelSpec, values: Mapping[str, Any], field: str | None) -> dict[str, Any]:
    """A state on the step of `field` (None: the confirm screen), Back leading through steps."""
    state = new_state(spec.id)
    state["values"] = prune(spec, values)
    names = [f.name for f in steps(spec, state["values"])]
    if field in names:
        state["history"] = [{"screen": STEP, "field": n} for n in names[: names.index(field)]]
        state.update(screen=STEP, field=field)
        return state
    state["history"] = [{"screen": STEP, "field": n} for n in names]
    if after_steps(spec, state) is ScreenKind.SETTINGS:
        state["history"].append({"screen": ScreenKind.SETTINGS.value, "field": None})
    state.update(screen=ScreenKind.CONFIRM.value, field=None)
    return state


def first_unfilled(spec: ModelSpec, values: Mapping[str, Any]) -> str | None:
    """The first step without a value (None when every step has one)."""
    return next((f.name for f in steps(spec, values) if f.name not in values), None)


def text_step(spec: ModelSpec, values: Mapping[str, Any]) -> InputSpec | None:
    """The prompt step a new variation changes: "prompt", else the first text step."""
    listed = [f for f in steps(spec, values) if f.kind is InputKind.TEXT]
    return next((f for f in listed if f.name == "prompt"), listed[0] if listed else None)


def first_media(spec: ModelSpec) -> InputSpec | None:
    """The model's first media step."""
    return next((f for f in steps(spec, {}) if f.is_media), None)


@functools.lru_cache(maxsize=8)
def _media_steps(catalog: Catalog) -> tuple[tuple[ModelSpec, InputSpec], ...]:
    """Usable models with their first media step, worked out once per catalog."""
    pairs = ((spec, first_media(spec)) for spec in catalog.usable())
    return tuple((spec, field) for spec, field in pairs if field is not None)


def _targets(catalog: Catalog, kind: str, url: str) -> Iterator[tuple[ModelSpec, InputSpec]]:
    ref = MediaRef(url, kind, guess_mime(url), None, None)
    for spec, field in _media_steps(catalog):
        if field.media is None or field.media.value != kind:
            continue
        try:
            check_media(field, [ref])
        except InvalidAnswer:
            continue
        yield spec, field


def reuse_targets(catalog: Catalog, kind: str, url: str) -> list[tuple[ModelSpec, InputSpec]]:
    """Usable models whose first media step accepts a file of `kind` at `url`."""
    return list(_targets(catalog, kind, url))


def can_reuse(catalog: Catalog, kind: str, url: str) -> bool:
    """True when some usable model takes the file as its first media (every result asks)."""
    return next(_targets(catalog, kind, url), None) is not None


def skip_filled(
    spec: ModelSpec, before: Mapping[str, Any], state: dict[str, Any]
) -> dict[str, Any]:
    """After an answer at a step of a pre-filled wizard: pass filled steps, land on confirm."""
    if before.get("screen") != STEP or state.get("screen") not in (STEP, "settings"):
        return state
    work = clone(state)
    while work["screen"] == STEP and work["field"] in work["values"]:
        forward(spec, work)
    if work["screen"] == ScreenKind.SETTINGS.value:
        go(work, ScreenKind.CONFIRM, push=True)
    return work
