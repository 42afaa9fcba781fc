"""Answers a later answer switched off: a mode or a `when` rule no longer lets them be sent.

The model's mode (`ModelSpec.modes`) is the choice input `MODE_INPUT`: asked first, stored
with the answers, never sent; inputs of the other modes are inactive like inputs whose `when`
does not hold, and `prune` drops their answers. What was dropped is remembered under
"dropped" so the confirm screen says so (the bot never sends less than was chosen silently).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import ModelSpec
from kiegram.catalog.spec import MODE_INPUT
from kiegram.wizard.state import is_active
from kiegram.wizard.views import DROPPED


def switched_off(spec: ModelSpec, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Inputs answered in `before` whose answers are gone in `after` because they are no
    longer active (not because they were cleared)."""
    by_name = spec.inputs_by_name()
    return [
        name
        for name in before
        if name in by_name
        and name not in after
        and is_active(spec, by_name[name], before)
        and not is_active(spec, by_name[name], after)
    ]


def note_dropped(spec: ModelSpec, before: Mapping[str, Any], work: dict[str, Any]) -> None:
    """Remember in `work` what its answers switched off; forget what is answered again."""
    values = work["values"]
    known = [n for n in work.get(DROPPED, []) if n not in values]
    known += [n for n in switched_off(spec, before["values"], values) if n not in known]
    if known:
        work[DROPPED] = known
    else:
        work.pop(DROPPED, None)


def infer_mode(spec: ModelSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values from a request (a repeat, `kiegram try`) with the mode its inputs imply."""
    if not spec.modes or MODE_INPUT in values:
        return dict(values)
    for mode in spec.modes:
        if any(values.get(name) not in (None, "", []) for name in mode.inputs):
            return {**values, MODE_INPUT: mode.id}
    return dict(values)
