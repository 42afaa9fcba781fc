"""Property tests over every usable model: valid walks, valid payloads, refused bad answers."""

from __future__ import annotations

import copy
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiegram.catalog import InputKind, InputSpec, ModelSpec, load_catalog
from kiegram.catalog.followups import is_followup
from kiegram.catalog.spec import dump_value
from kiegram.i18n import load_translator
from kiegram.wizard import (
    Action,
    Answer,
    Invalid,
    MediaAnswer,
    MediaRef,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    View,
    Wizard,
    build_payload,
    refusal,
)
from kiegram.wizard.list_view import is_list_screen
from kiegram.wizard.lists import cursor
from kiegram.wizard.media import guess_mime
from kiegram.wizard.parse import FALSE_WORDS, TRUE_WORDS
from kiegram.wizard.state import asked, limited

CATALOG = load_catalog()
WIZARD = Wizard(CATALOG)
TR = load_translator()
# Follow-ups start from an earlier result (test_bot_journey_followups.py drives them).
MODELS = [spec.id for spec in CATALOG.usable() if not is_followup(spec)]
FIELD_ACTIONS = (Action.OPTION, Action.BOOL, Action.NUMBER)
DEFAULT_MIME = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}
PROPS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LETTERS = string.ascii_letters + "абвгдежзийклмнопрстуфхцчшщэюя"


def resolve(ref: str) -> str:
    """Stands in for the bot's upload: every reference becomes an https URL."""
    return "https://files.example/" + ref.replace(":", "_").replace("/", "_")


def media_ref(field: InputSpec, index: int, kind: str | None = None) -> MediaRef:
    kind = kind or (field.media.value if field.media else "image")
    mime, name = DEFAULT_MIME[kind], None
    if field.file_types and kind == (field.media.value if field.media else kind):
        entry = field.file_types[index % len(field.file_types)]
        mime = entry if "/" in entry else guess_mime(f"x.{entry}")
        name = None if "/" in entry else f"file{index}.{entry}"
    return MediaRef(f"tg:file{index}", kind, mime, 1024, name)


def typed_number(data: st.DataObject, field: InputSpec) -> str:
    low = field.min if field.min is not None else (field.max or 0) - 100
    high = field.max if field.max is not None else low + 1000
    value = data.draw(st.floats(min_value=low, max_value=high, allow_nan=False))
    if field.kind is InputKind.INTEGER or (field.step or 0) >= 1:
        value = float(min(max(round(value), low), high)) if low <= round(value) <= high else low
    text = dump_value(value)
    return data.draw(st.sampled_from([text, text.replace(".", ","), f" {text} "]))


def valid_typed(data: st.DataObject, spec: ModelSpec, field: InputSpec, view: View) -> Answer:
    kind = field.kind
    if field.is_media:
        high = 1 if kind is InputKind.MEDIA else min(field.max_items or 10, 10)
        low = 1 if kind is InputKind.MEDIA else max(1, field.min_items or 1)
        count = data.draw(st.integers(min_value=low, max_value=max(low, high)))
        return MediaAnswer(tuple(media_ref(field, i) for i in range(count)))
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        return TextAnswer(typed_number(data, field))
    if kind is InputKind.BOOLEAN:
        return TextAnswer(data.draw(st.sampled_from(sorted(TRUE_WORDS | FALSE_WORDS))).upper())
    if kind is InputKind.CHOICE:
        offered = [b.arg for b in view.buttons() if b.action is Action.OPTION]
        option = field.options[data.draw(st.sampled_from(offered))]
        names = [dump_value(option.value)] + (
            [option.label.ru, option.label.en] if option.label else []
        )
        return TextAnswer(data.draw(st.sampled_from(names)).swapcase())
    low = max(1, field.min_length or 1)
    high = max(low, min(field.max_length or 60, 60))
    return TextAnswer(data.draw(st.text(LETTERS, min_size=low, max_size=high)))


def asked_field(spec: ModelSpec, state: dict[str, Any]) -> InputSpec | None:
    """The input a step or edit screen asks: an object list's item field while an item is
    being filled in, None on a list's overview (Add / Done)."""
    listed = is_list_screen(spec, state)
    if listed is None:
        return spec.input(state["field"])
    item = cursor(state, listed)
    return None if item is None else listed.item_fields[item["at"]]


def list_answer(data: st.DataObject, view: View) -> Press:
    """On a list's overview: Done when offered (mostly), else Add."""
    actions = {b.action for b in view.buttons()}
    if Action.DONE in actions and (Action.ADD not in actions or data.draw(st.integers(0, 2)) < 2):
        return Press(Action.DONE)
    return Press(Action.ADD)


def valid_answer(data: st.DataObject, spec: ModelSpec, step: Step) -> Answer:
    view = step.view
    field = asked_field(spec, step.state)
    if field is None:
        return list_answer(data, view)
    buttons = [b for b in view.buttons() if b.action in FIELD_ACTIONS]
    if buttons and data.draw(st.booleans()):
        button = data.draw(st.sampled_from(buttons))
        return Press(button.action, button.arg)
    skip = any(b.action is Action.SKIP for b in view.buttons())
    if view.kind is ScreenKind.STEP and skip and data.draw(st.booleans()):
        return Press(Action.SKIP)
    return valid_typed(data, spec, field, view)


def settings_answer(data: st.DataObject, view: View, edits: int) -> Press:
    picks = [b for b in view.buttons() if b.action in (Action.OPEN, Action.TOGGLE)]
    if not picks or edits > 6 or data.draw(st.integers(0, 3)) == 0:
        return Press(Action.DONE)
    button = data.draw(st.sampled_from(picks))
    return Press(button.action, button.arg)


def walk(data: st.DataObject, model_id: str, probe: Any = None) -> Step:
    """Answer every screen validly until confirm; `probe` may try bad answers on the way."""
    step = WIZARD.start(model_id)
    spec = WIZARD.spec(step.state)
    edits = 0
    for _ in range(100):
        view = step.view
        if view.kind is ScreenKind.CONFIRM:
            return step
        if view.kind is ScreenKind.SETTINGS:
            answer: Answer = settings_answer(data, view, edits)
            edits += 1
        else:
            assert view.kind in (ScreenKind.STEP, ScreenKind.EDIT), view.kind
            if probe is not None:
                probe(data, spec, step)
            answer = valid_answer(data, spec, step)
        result = WIZARD.answer(step.state, answer)
        assert isinstance(result, Step), (view.field, answer, refusal(TR, "en", result))  # type: ignore[arg-type]
        step = result
    raise AssertionError("the wizard never reached the confirm screen")


def check_payload(spec: ModelSpec, values: dict[str, Any], payload: dict[str, Any]) -> None:
    active = {f.name: f for f in asked(spec, values)}
    assert set(payload) <= set(active), set(payload) - set(active)
    for field in active.values():
        if field.required and not field.is_mode:
            assert field.name in payload, field.name
    for name, value in payload.items():
        check_value(active[name], value)


def check_value(field: InputSpec, value: Any) -> None:
    kind = field.kind
    if kind is InputKind.MEDIA:
        assert isinstance(value, str) and value.startswith("https://"), value
    elif kind is InputKind.MEDIA_LIST:
        assert isinstance(value, list) and all(isinstance(v, str) for v in value)
        assert 1 <= len(value) <= (field.max_items or 10**6)
        assert len(value) >= (field.min_items or 1)
    elif kind is InputKind.OBJECT_LIST:
        assert isinstance(value, list) and all(isinstance(v, dict) for v in value)
        assert max(1, field.min_items or 0) <= len(value) <= (field.max_items or 10**6)
        subs = {sub.name: sub for sub in field.item_fields}
        for item in value:
            assert set(item) <= set(subs)
            assert all(sub.name in item for sub in field.item_fields if sub.required)
            for name, sub_value in item.items():
                check_value(subs[name], sub_value)
    elif kind in (InputKind.INTEGER, InputKind.NUMBER) and field.as_string:
        assert isinstance(value, str) and value == dump_value(float(value))
        check_value(field.model_copy(update={"as_string": False}), float(value))
    elif kind in (InputKind.INTEGER, InputKind.NUMBER):
        assert isinstance(value, int | float) and not isinstance(value, bool)
        if kind is InputKind.INTEGER:
            assert float(value).is_integer()
        assert field.min is None or value >= field.min
        assert field.max is None or value <= field.max
        if field.step:
            base = field.min or 0
            ratio = (value - base) / field.step
            assert abs(ratio - round(ratio)) < 1e-6, (field.name, value)
    elif kind is InputKind.CHOICE:
        assert value in field.option_values() and type(value) is type(
            field.option_values()[field.option_values().index(value)]
        )
    elif kind is InputKind.BOOLEAN:
        assert isinstance(value, bool)
    else:
        assert isinstance(value, str) and value.strip()
        assert field.max_length is None or len(value) <= field.max_length
    if field.lowercase and isinstance(value, str):
        assert value == value.lower()


@pytest.mark.parametrize("model_id", MODELS)
@PROPS
@given(data=st.data())
def test_valid_walks_give_payloads_that_satisfy_the_spec(
    model_id: str, data: st.DataObject
) -> None:
    step = walk(data, model_id)
    spec = WIZARD.spec(step.state)
    confirm = [b for b in step.view.buttons() if b.action is Action.CONFIRM]
    # A list whose lengths do not add up (Kling's shots vs duration) is named, not confirmed.
    unmatched = step.view.text.key in ("shapes.err_sum_equal", "shapes.err_sum_above")
    assert bool(confirm) == (step.view.credits is not None and not unmatched)
    if confirm:
        done = WIZARD.answer(step.state, Press(Action.CONFIRM))
        assert isinstance(done, Step) and done.view.kind is ScreenKind.CONFIRMED
    payload = build_payload(spec, step.state["values"], resolve)
    check_payload(spec, step.state["values"], payload)


def invalid_answers(data: st.DataObject, field: InputSpec) -> list[tuple[Answer, set[str]]]:
    """Bad answers for an input with the refusal keys each may get."""
    kind = field.kind
    out: list[tuple[Answer, set[str]]] = []
    if field.is_media:
        wrong = data.draw(
            st.sampled_from([k for k in DEFAULT_MIME if field.media and k != field.media.value])
        )
        out.append((MediaAnswer((media_ref(field, 0, wrong),)), {"wizard.err_wrong_media"}))
        limit = 1 if kind is InputKind.MEDIA else field.max_items
        if limit is not None:
            extra = data.draw(st.integers(1, 5))
            items = tuple(media_ref(field, i) for i in range(limit + extra))
            out.append((MediaAnswer(items), {"wizard.err_too_many", "wizard.err_single_only"}))
        out.append(
            (
                TextAnswer(data.draw(st.text(LETTERS, min_size=1, max_size=20))),
                {"wizard.err_bad_url"},
            )
        )
    elif kind in (InputKind.INTEGER, InputKind.NUMBER):
        delta = data.draw(st.floats(min_value=0.5, max_value=1e6))
        if field.max is not None:
            out.append(
                (
                    TextAnswer(dump_value(field.max + delta)),
                    {"wizard.err_range", "wizard.err_above"},
                )
            )
        if field.min is not None:
            out.append(
                (
                    TextAnswer(dump_value(field.min - delta)),
                    {"wizard.err_range", "wizard.err_below"},
                )
            )
        out.append(
            (
                TextAnswer(data.draw(st.text(LETTERS, min_size=1, max_size=8))),
                {"wizard.err_not_number"},
            )
        )
    elif kind is InputKind.CHOICE:
        names = {dump_value(o.value).casefold() for o in field.options}
        names |= {n.casefold() for o in field.options if o.label for n in (o.label.ru, o.label.en)}
        word = data.draw(
            st.text(LETTERS, min_size=1, max_size=12).filter(lambda w: w.casefold() not in names)
        )
        out.append((TextAnswer(word), {"wizard.err_not_option"}))
    elif kind is InputKind.BOOLEAN:
        out.append((TextAnswer("maybe"), {"wizard.err_not_boolean"}))
    else:
        if field.max_length is not None:
            extra = data.draw(st.integers(1, 50))
            out.append((TextAnswer("я" * (field.max_length + extra)), {"wizard.err_too_long"}))
        out.append((TextAnswer("  \n "), {"wizard.err_empty"}))
    return out


def probe_invalid(data: st.DataObject, spec: ModelSpec, step: Step) -> None:
    # With the limits that apply to the answers so far (Suno's simple mode: 500 characters).
    target = asked_field(spec, step.state)
    if target is None:
        return
    field = limited(spec, target, step.state["values"])
    before = copy.deepcopy(step.state)
    for answer, keys in invalid_answers(data, field):
        result = WIZARD.answer(step.state, answer)
        assert isinstance(result, Invalid), (field.name, answer)
        assert result.key in keys, (field.name, result.key)
        assert result.state is step.state and step.state == before
        for lang in ("ru", "en"):
            name = field.label.get(lang) if field.label else field.name
            assert name in refusal(TR, lang, result)
        if result.key == "wizard.err_too_long":
            assert result.values["limit"] == field.max_length
            assert result.values["length"] == len(answer.text)  # type: ignore[union-attr]


@pytest.mark.parametrize("model_id", MODELS)
@PROPS
@given(data=st.data())
def test_invalid_answers_are_refused_naming_the_input(model_id: str, data: st.DataObject) -> None:
    walk(data, model_id, probe=probe_invalid)
