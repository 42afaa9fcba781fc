"""State -> View: the screen a state is on, as a view model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import InputKind, InputSpec, Label, ModelSpec
from kiegram.catalog.cost import credits_for, prices_for, unknown_duration
from kiegram.wizard.answers import Action
from kiegram.wizard.display import option_text, presets, value_text
from kiegram.wizard.errors import MissingInputError
from kiegram.wizard.parse import param_of, show
from kiegram.wizard.payload import sent
from kiegram.wizard.state import extras, limited, prompt_input, settings, steps
from kiegram.wizard.view import (
    Button,
    Expect,
    ExpectKind,
    Msg,
    ScreenKind,
    SummaryItem,
    View,
)

PER_ROW = 2
PRESETS_PER_ROW = 3
LIMIT_SHOWN = 2000  # a text limit above this goes unsaid (the refusal names it if reached)
EXAMPLE_CHARS = 40  # of an example prompt shown on its button


def _rows(buttons: list[Button], per_row: int) -> list[tuple[Button, ...]]:
    return [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _nav(*actions: Action) -> tuple[Button, ...]:
    return tuple(Button(Msg(f"wizard.btn_{a.name.lower()}"), a) for a in actions)


def expect_of(field: InputSpec) -> Expect:
    """What answer an input's screen waits for."""
    kind = field.kind
    if field.is_media:
        single = kind is InputKind.MEDIA
        return Expect(
            ExpectKind.MEDIA,
            media=field.media,
            min_items=1 if single else max(1, field.min_items or 1),
            max_items=1 if single else field.max_items,
        )
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        step = field.step or (1.0 if kind is InputKind.INTEGER else None)
        return Expect(
            ExpectKind.NUMBER,
            minimum=field.min,
            maximum=field.max,
            step=step,
            integer=kind is InputKind.INTEGER,
        )
    if kind is InputKind.CHOICE:
        return Expect(ExpectKind.CHOICE)
    if kind is InputKind.BOOLEAN:
        return Expect(ExpectKind.BOOLEAN)
    return Expect(ExpectKind.TEXT, min_length=field.min_length, max_length=field.max_length)


def question(field: InputSpec) -> Msg:
    """The question asked for an input, with its limits."""
    param = param_of(field)
    kind = field.kind
    if kind is InputKind.MEDIA:
        return Msg("wizard.ask_media", {"param": param, "media": _media(field)})
    if kind is InputKind.MEDIA_LIST:
        many = _media(field, many=True)
        if field.max_items is None:
            return Msg("wizard.ask_media_list_any", {"param": param, "media": many})
        return Msg("wizard.ask_media_list", {"param": param, "media": many, "max": field.max_items})
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        if field.min is not None and field.max is not None:
            return Msg(
                "wizard.ask_number_range",
                {"param": param, "min": show(field.min), "max": show(field.max)},
            )
        return Msg("wizard.ask_number", {"param": param})
    if kind in (InputKind.CHOICE, InputKind.BOOLEAN):
        return Msg(f"wizard.ask_{kind.value}", {"param": param})
    if field.max_length is not None and field.max_length <= LIMIT_SHOWN:
        return Msg("wizard.ask_text_limit", {"param": param, "limit": field.max_length})
    return Msg("wizard.ask_text", {"param": param})


def _media(field: InputSpec, many: bool = False) -> Msg:
    kind = field.media.value if field.media else "file"
    return Msg(f"wizard.many_{kind}" if many else f"wizard.media_{kind}")


def field_buttons(
    spec: ModelSpec, values: Mapping[str, Any], field: InputSpec
) -> list[tuple[Button, ...]]:
    """Options with prices, yes/no, or preset numbers; the current value is marked."""
    now = values.get(field.name, field.default)
    if field.kind is InputKind.CHOICE:
        prices = prices_for(spec, values, field, field.option_values())
        return _rows(
            [
                Button(
                    option_text(field, i), Action.OPTION, i, price, field.options[i].value == now
                )
                for i, price in prices.items()
            ],
            PER_ROW,
        )
    if field.kind is InputKind.BOOLEAN:
        prices = prices_for(spec, values, field, (True, False))
        words = {0: ("wizard.btn_yes", 1), 1: ("wizard.btn_no", 0)}
        return _rows(
            [
                Button(Msg(words[i][0]), Action.BOOL, words[i][1], price, now is (i == 0))
                for i, price in prices.items()
            ],
            PER_ROW,
        )
    if field.kind in (InputKind.INTEGER, InputKind.NUMBER):
        found = presets(field)
        return _rows(
            [Button(show(v), Action.NUMBER, i, None, v == now) for i, v in enumerate(found)],
            PRESETS_PER_ROW,
        )
    return []


def _examples(spec: ModelSpec, field: InputSpec) -> list[tuple[Button, ...]]:
    """One button per example prompt, on the screen of the input they fill."""
    target = prompt_input(spec)
    if target is None or target.name != field.name:
        return []
    return [(Button(_short(e), Action.EXAMPLE, i),) for i, e in enumerate(spec.examples)]


def _short(example: Label) -> Label:
    def cut(text: str) -> str:
        text = text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"
        return f"💡 {text}"

    return Label(ru=cut(example.ru), en=cut(example.en))


def _field_view(spec: ModelSpec, state: Mapping[str, Any], edit: bool) -> View:
    values = state["values"]
    field = limited(spec, spec.input(state["field"]), values)
    rows = field_buttons(spec, values, field) + _examples(spec, field)
    number = total = None
    if edit:
        if not field.required and field.kind not in (InputKind.CHOICE, InputKind.BOOLEAN):
            rows.append(_nav(Action.CLEAR))
    else:
        listed = [f.name for f in steps(spec, values)]
        number, total = listed.index(field.name) + 1, len(listed)
        if not field.required:
            rows.append(_nav(Action.SKIP))
    rows.append(_nav(Action.BACK, Action.RESET, Action.CANCEL))
    now = values.get(field.name, field.default)
    return View(
        kind=ScreenKind.EDIT if edit else ScreenKind.STEP,
        model_id=spec.id,
        title=spec.name,
        text=question(field),
        field=field.name,
        param=param_of(field),
        step=number,
        steps=total,
        current=None if now is None else value_text(field, now),
        help=field.help,
        expect=expect_of(field),
        rows=tuple(rows),
    )


def _settings_view(spec: ModelSpec, state: Mapping[str, Any]) -> View:
    values = state["values"]
    index = {f.name: i for i, f in enumerate(spec.inputs)}
    buttons = [
        Button(
            Msg(
                "wizard.setting",
                {"param": param_of(f), "value": value_text(f, values.get(f.name, f.default))},
            ),
            Action.TOGGLE if f.kind is InputKind.BOOLEAN else Action.OPEN,
            index[f.name],
        )
        for f in settings(spec, values)
    ]
    rows: list[tuple[Button, ...]] = [(b,) for b in buttons]
    rows += [_nav(Action.DONE), _nav(Action.BACK, Action.RESET, Action.CANCEL)]
    return View(
        ScreenKind.SETTINGS, spec.id, spec.name, Msg("wizard.settings_text"), rows=tuple(rows)
    )


def _confirm_view(spec: ModelSpec, state: Mapping[str, Any]) -> View:
    values = state["values"]
    try:
        items = sent(spec, values)
        cost = credits_for(spec, values)
    except MissingInputError:
        items, cost = [], None
    first = [f.name for f in steps(spec, values)]
    items.sort(key=lambda item: first.index(item[0].name) if item[0].name in first else len(first))
    summary = tuple(SummaryItem(f.name, param_of(f), value_text(f, v)) for f, v in items)
    rows: list[tuple[Button, ...]] = []
    if cost is not None:
        rows.append(_nav(Action.CONFIRM))
    rows += _extra_rows(spec, values)
    if settings(spec, values):
        rows.append(_nav(Action.SETTINGS))
    rows.append(_nav(Action.BACK, Action.CANCEL))
    text = Msg("wizard.confirm_text" if cost is not None else "wizard.not_available")
    timeless = unknown_duration(spec, values) if cost is None else None
    if timeless is not None:
        # Priced per second, but the file came as a link or a document: no length, no price.
        text = Msg(
            "wizard.duration_unknown", {"param": param_of(timeless), "media": _media(timeless)}
        )
    return View(
        ScreenKind.CONFIRM,
        spec.id,
        spec.name,
        text,
        summary=summary,
        credits=cost,
        rows=tuple(rows),
    )


def _extra_rows(spec: ModelSpec, values: Mapping[str, Any]) -> list[tuple[Button, ...]]:
    """ "➕ Reference images" for each optional file input; its count once given."""
    index = {f.name: i for i, f in enumerate(spec.inputs)}
    rows: list[tuple[Button, ...]] = []
    for field in extras(spec, values):
        param = param_of(field)
        label = Msg("wizard.btn_add", {"param": param})
        if values.get(field.name):
            shown = value_text(field, values[field.name])
            label = Msg("wizard.btn_files", {"param": param, "value": shown})
        rows.append((Button(label, Action.OPEN, index[field.name]),))
    return rows


def build_view(spec: ModelSpec, state: Mapping[str, Any]) -> View:
    """The view of the screen `state` is on."""
    screen = ScreenKind(state["screen"])
    if screen in (ScreenKind.STEP, ScreenKind.EDIT):
        return _field_view(spec, state, edit=screen is ScreenKind.EDIT)
    if screen is ScreenKind.SETTINGS:
        return _settings_view(spec, state)
    if screen is ScreenKind.CONFIRM:
        return _confirm_view(spec, state)
    return View(screen, spec.id, spec.name, Msg(f"wizard.{screen.value}"))
