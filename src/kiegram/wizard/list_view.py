"""The screens of an object list: one item field's question, or the list with Add / Done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard.answers import Action
from kiegram.wizard.display import value_text
from kiegram.wizard.items import is_full, least
from kiegram.wizard.lists import can_skip_list, cursor, items_of
from kiegram.wizard.parse import param_of
from kiegram.wizard.screens import expect_of, field_buttons, question
from kiegram.wizard.view import Button, Expect, Msg, ScreenKind, Text, View

REMOVE_PER_ROW = 3


def _nav(*actions: Action) -> tuple[Button, ...]:
    return tuple(Button(Msg(f"wizard.btn_{a.name.lower()}"), a) for a in actions)


def _joined(parts: Sequence[Text], key: str) -> Text:
    """Texts joined by a locale template ("{head} · {tail}"), nested so every renderer
    translates each part in its own language."""
    if not parts:
        return Msg("wizard.not_set")
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = Msg(key, {"head": part, "tail": out})
    return out


def item_text(field: InputSpec, item: Mapping[str, Any], number: int) -> Msg:
    """One item on one line: "2. Hello · Rachel"."""
    parts = [value_text(sub, item[sub.name]) for sub in field.item_fields if sub.name in item]
    return Msg("shapes.item_line", {"n": number, "value": _joined(parts, "shapes.join_parts")})


def items_text(field: InputSpec, items: Sequence[Mapping[str, Any]]) -> Text:
    """The whole list, one item per line."""
    lines: list[Text] = [item_text(field, item, n) for n, item in enumerate(items, start=1)]
    return _joined(lines, "shapes.join_lines")


def list_view(spec: ModelSpec, state: Mapping[str, Any], field: InputSpec, base: View) -> View:
    """The list's screen in place of `base` (the plain step or edit view of the input)."""
    work = dict(state)
    item = cursor(work, field)
    if item is not None:
        return _item_view(spec, work, field, item, base)
    return _overview(work, field, base)


def _item_view(
    spec: ModelSpec,
    state: dict[str, Any],
    field: InputSpec,
    item: Mapping[str, Any],
    base: View,
) -> View:
    sub = field.item_fields[item["at"]]
    draft = item["draft"]
    number = len(items_of(state, field)) + 1
    rows = field_buttons(spec, draft, sub)
    if can_skip_list(state, field) or not sub.required:
        rows.append(_nav(Action.SKIP))
    rows.append(_nav(Action.BACK, Action.RESET, Action.CANCEL))
    now = draft.get(sub.name)
    return View(
        kind=base.kind,
        model_id=base.model_id,
        title=base.title,
        text=Msg(
            "shapes.ask_item",
            {"param": param_of(field), "n": number, "question": question(sub)},
        ),
        field=field.name,
        param=param_of(sub),
        step=base.step,
        steps=base.steps,
        current=None if now is None else value_text(sub, now),
        help=_item_help(field, sub, number == 1 and item["at"] == 0),
        expect=expect_of(sub),
        rows=tuple(rows),
    )


def _item_help(field: InputSpec, sub: InputSpec, first: bool) -> Text | None:
    """The field's help; the list's own (what a good item looks like) opens the first item."""
    helps = [h for h in (field.help if first else None, sub.help) if h is not None]
    return _joined(helps, "shapes.join_lines") if helps else None


def _overview(state: dict[str, Any], field: InputSpec, base: View) -> View:
    items = items_of(state, field)
    removes = [
        Button(Msg("shapes.btn_remove", {"n": n}), Action.REMOVE, n - 1)
        for n in range(1, len(items) + 1)
    ]
    rows = [tuple(removes[i : i + REMOVE_PER_ROW]) for i in range(0, len(removes), REMOVE_PER_ROW)]
    ends: list[Button] = []
    if not is_full(field, items):
        ends.append(Button(Msg("shapes.btn_add"), Action.ADD))
    if len(items) >= least(field):
        ends.append(Button(Msg("shapes.btn_done"), Action.DONE))
    rows.append(tuple(ends))
    rows.append(_nav(Action.BACK, Action.CANCEL))
    key = "shapes.list_full" if is_full(field, items) else "shapes.list_text"
    return View(
        kind=base.kind,
        model_id=base.model_id,
        title=base.title,
        text=Msg(key, {"param": param_of(field), "items": items_text(field, items)}),
        field=field.name,
        param=param_of(field),
        step=base.step,
        steps=base.steps,
        expect=Expect(),
        rows=tuple(r for r in rows if r),
    )


def is_list_screen(spec: ModelSpec, state: Mapping[str, Any]) -> InputSpec | None:
    """The object-list input a step or edit screen is on, if any."""
    if state.get("screen") not in (ScreenKind.STEP.value, ScreenKind.EDIT.value):
        return None
    name = state.get("field")
    field = spec.inputs_by_name().get(str(name)) if name else None
    return field if field is not None and field.item_fields else None
