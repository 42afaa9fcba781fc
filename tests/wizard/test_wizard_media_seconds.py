"""The wizard with prices per second of a file: durations, the length limit, unknown lengths."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiegram.catalog import InputKind, InputSpec, ModelSpec, credits_for, load_catalog
from kiegram.catalog.cost import ONE_SECOND, billed_seconds
from kiegram.catalog.followups import is_followup
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
    Wizard,
    refusal,
    text,
)
from kiegram.wizard.lists import cursor
from kiegram.wizard.media import guess_mime

CATALOG = load_catalog()
WIZARD = Wizard(CATALOG)
TR = load_translator()
# Follow-ups start from an earlier result (test_bot_journey_followups.py drives them).
MODELS = [s.id for s in CATALOG.usable() if not is_followup(s)]
DEFAULT_MIME = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}
FIELD_ACTIONS = (Action.OPTION, Action.BOOL, Action.NUMBER)


def media(field: InputSpec, duration: float | None, index: int = 0) -> MediaRef:
    """A file the field accepts, as Telegram would describe it."""
    kind = field.media.value if field.media else "image"
    mime: str | None = DEFAULT_MIME[kind]
    name = None
    if field.file_types:
        entry = field.file_types[0]
        mime = entry if "/" in entry else guess_mime(f"x.{entry}")
        name = None if "/" in entry else f"file{index}.{entry}"
    return MediaRef(f"tg:file{index}", kind, mime, 1024, name, duration)


def ok(result: Step | Invalid) -> Step:
    if isinstance(result, Invalid):
        raise AssertionError(refusal(TR, "en", result))
    return result


def answer_for(spec: ModelSpec, step: Step, duration: float | None, pick: int = 0) -> Answer:
    """A valid answer: files with `duration`, an offered option, Skip, or short text."""
    view = step.view
    field = spec.input(view.field or "")
    if field.item_fields:  # an object list: its item's field, or Done on the list
        item = cursor(step.state, field)
        if item is None:
            return Press(Action.DONE)
        field = field.item_fields[item["at"]]
    if field.is_media:
        count = 1 if field.kind is InputKind.MEDIA else max(1, field.min_items or 1)
        return MediaAnswer(tuple(media(field, duration, i) for i in range(count)))
    buttons = [b for b in view.buttons() if b.action in FIELD_ACTIONS]
    if buttons:
        button = buttons[pick % len(buttons)]
        return Press(button.action, button.arg)
    if view.kind is ScreenKind.STEP and not field.required:
        return Press(Action.SKIP)
    if field.kind in (InputKind.INTEGER, InputKind.NUMBER):
        return TextAnswer(str(int(field.min if field.min is not None else 1)))
    return TextAnswer("a cat"[: field.max_length or 5])


def to_confirm(model_id: str, duration: float | None, pick: int = 0) -> Step:
    step = WIZARD.start(model_id)
    spec = WIZARD.spec(step.state)
    for _ in range(60):
        if step.view.kind is ScreenKind.CONFIRM:
            return step
        if step.view.kind is ScreenKind.SETTINGS:
            step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
            continue
        step = ok(WIZARD.answer(step.state, answer_for(spec, step, duration, pick)))
    raise AssertionError(f"{model_id}: never reached confirm")


def test_the_confirm_screen_prices_the_files_seconds() -> None:
    step = to_confirm("kling/ai-avatar-standard", 10)
    assert step.view.credits == Decimal("80.00")
    assert Action.CONFIRM in [b.action for b in step.view.buttons()]
    assert step.state["values"]["audio_url"]["duration"] == 10
    assert json.loads(json.dumps(step.state)) == step.state  # still plain JSON
    done = ok(WIZARD.answer(step.state, Press(Action.CONFIRM)))
    assert done.view.kind is ScreenKind.CONFIRMED


def test_without_a_duration_the_price_is_unknown_and_confirm_is_not_offered() -> None:
    step = to_confirm("kling/ai-avatar-standard", None)
    view = step.view
    assert view.credits is None
    assert Action.CONFIRM not in [b.action for b in view.buttons()]
    assert view.text.key == "wizard.duration_unknown"
    assert "link or a document" in text(TR, "en", view.text)
    assert "Speech" in text(TR, "en", view.text) and "Речь" in text(TR, "ru", view.text)
    refused = WIZARD.answer(step.state, Press(Action.CONFIRM))
    assert isinstance(refused, Invalid) and refused.state is step.state


def test_a_typed_link_has_no_duration_so_no_price() -> None:
    step = WIZARD.start("elevenlabs/audio-isolation")
    step = ok(WIZARD.answer(step.state, TextAnswer("https://files.test/voice.mp3")))
    assert step.view.kind is ScreenKind.CONFIRM
    assert step.view.credits is None and step.view.text.key == "wizard.duration_unknown"
    back = ok(WIZARD.answer(step.state, Press(Action.BACK)))
    field = WIZARD.spec(back.state).input("audio_url")
    again = ok(WIZARD.answer(back.state, MediaAnswer((media(field, 30),))))
    assert again.view.credits == Decimal("6.00")


def test_a_file_longer_than_the_limit_is_refused_naming_the_limit() -> None:
    step = WIZARD.start("kling/ai-avatar-pro")
    spec = WIZARD.spec(step.state)
    step = ok(WIZARD.answer(step.state, MediaAnswer((media(spec.input("image_url"), None),))))
    assert step.view.field == "audio_url"
    result = WIZARD.answer(step.state, MediaAnswer((media(spec.input("audio_url"), 16),)))
    assert isinstance(result, Invalid) and result.state is step.state
    assert result.key == "wizard.err_media_too_long"
    assert result.values["limit"] == "15" and result.values["seconds"] == "16"
    assert "15 s" in refusal(TR, "en", result) and "15 с" in refusal(TR, "ru", result)
    assert "Speech" in refusal(TR, "en", result)
    ok(WIZARD.answer(step.state, MediaAnswer((media(spec.input("audio_url"), 15),))))


def test_option_buttons_show_the_price_for_the_files_length() -> None:
    step = to_confirm("wan/2-2-animate-move", 4)
    assert step.view.credits == Decimal("24.00")  # 480p: 6 credits a second
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    spec = WIZARD.spec(step.state)
    index = [f.name for f in spec.inputs].index("resolution")
    step = ok(WIZARD.answer(step.state, Press(Action.OPEN, index)))
    prices = [b.credits for b in step.view.buttons() if b.action is Action.OPTION]
    assert prices == [Decimal("24.00"), Decimal("38.00"), Decimal("50.00")]


def test_options_stay_offered_while_the_length_is_unknown() -> None:
    step = to_confirm("topaz/video-upscale", None)
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    index = [f.name for f in WIZARD.spec(step.state).inputs].index("upscale_factor")
    step = ok(WIZARD.answer(step.state, Press(Action.OPEN, index)))
    options = [b for b in step.view.buttons() if b.action is Action.OPTION]
    assert len(options) == 3 and all(b.credits is None for b in options)
    step = ok(WIZARD.answer(step.state, Press(Action.OPTION, 2)))
    assert step.state["values"]["upscale_factor"] == "4"


def test_media_refs_store_their_duration() -> None:
    assert MediaRef("tg:a", "audio", "audio/ogg", 1, None, 7).to_json()["duration"] == 7
    assert MediaRef("tg:a", "audio").to_json()["duration"] is None


def _seconds_of(spec: ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with the per-second file replaced by a one-second stand-in."""
    assert spec.cost is not None and spec.cost.per_media_seconds is not None
    return {**values, spec.cost.per_media_seconds: dict(ONE_SECOND)}


@pytest.mark.parametrize("model_id", MODELS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_usable_model_prices_files_by_their_length(model_id: str, data: Any) -> None:
    spec = CATALOG.get(model_id)
    assert spec is not None
    cost = spec.cost
    limit = cost.max_seconds if cost is not None and cost.max_seconds is not None else 300
    duration = data.draw(st.integers(min_value=0, max_value=int(limit)))
    step = to_confirm(model_id, duration, pick=data.draw(st.integers(0, 5)))
    values = step.state["values"]
    credits = step.view.credits
    assert credits == credits_for(spec, values)
    # A list whose lengths do not add up (Kling's shots vs duration) is named, not confirmed.
    unmatched = step.view.text.key.startswith("shapes.err_sum_")
    confirmable = credits is not None and not unmatched
    assert (Action.CONFIRM in [b.action for b in step.view.buttons()]) == confirmable
    if cost is not None and cost.per_second:
        # The price of one second, KIE's minimum billed duration aside (as credit_range).
        unit = spec.model_copy(update={"cost": cost.model_copy(update={"min_seconds": None})})
        rate = credits_for(unit, _seconds_of(spec, values))
        assert rate is not None and credits is not None, model_id
        assert credits == (rate * billed_seconds(cost, duration)).quantize(Decimal("0.01"))
        assert credits >= rate * max(1, math.ceil(cost.min_seconds or 0))
    else:
        # A file's length never changes the price of a model not priced per second.
        assert credits_for(spec, _timeless(values)) == credits


def _timeless(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with every file's duration forgotten."""

    def strip(value: Any) -> Any:
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, dict) and "ref" in value:
            return {**value, "duration": None}
        return value

    return {name: strip(value) for name, value in values.items()}
