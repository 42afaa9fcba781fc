"""The screen a state is on: the plain screens, object lists, and what an answer dropped."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard.answers import Action
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.items import check_sums
from kiegram.wizard.list_view import is_list_screen, items_text, list_view
from kiegram.wizard.parse import param_of
from kiegram.wizard.screens import build_view as plain_view
from kiegram.wizard.view import Msg, ScreenKind, SummaryItem, Text, View

DROPPED = "dropped"
"""State key: inputs whose answers a later answer switched off (shown on confirm)."""


def build_view(spec: ModelSpec, state: Mapping[str, Any]) -> View:
    """The view of the screen `state` is on."""
    view = plain_view(spec, state)
    field = is_list_screen(spec, state)
    if field is not None:
        return list_view(spec, state, field, view)
    if view.kind is ScreenKind.CONFIRM:
        return _confirm(spec, state, view)
    return view


def _confirm(spec: ModelSpec, state: Mapping[str, Any], view: View) -> View:
    values = state["values"]
    by_name = spec.inputs_by_name()
    summary = tuple(
        SummaryItem(item.name, item.param, _whole_list(by_name[item.name], values[item.name]))
        if by_name[item.name].item_fields and isinstance(values.get(item.name), list)
        else item
        for item in view.summary
    )
    text = view.text
    rows = view.rows
    try:
        check_sums(spec, values)
    except InvalidAnswer as exc:
        # Shown before Confirm is pressed: the list and the total have to agree first.
        text = Msg(exc.key, exc.values)
        rows = tuple(r for r in rows if all(b.action is not Action.CONFIRM for b in r))
    dropped = [by_name[n] for n in state.get(DROPPED, []) if n in by_name]
    if dropped and text.key in ("wizard.confirm_text", "wizard.not_available"):
        params: Text = _names([param_of(f) for f in dropped])
        text = Msg("shapes.dropped", {"text": text, "params": params})
    return dataclasses.replace(view, summary=summary, text=text, rows=rows)


def _whole_list(field: InputSpec, items: list[Any]) -> Msg:
    """Every item on a line of its own, below the parameter's name."""
    return Msg("shapes.list_value", {"items": items_text(field, items)})


def _names(params: list[Any]) -> Text:
    out: Text = params[-1]
    for param in reversed(params[:-1]):
        out = Msg("shapes.join_names", {"head": param, "tail": out})
    return out
