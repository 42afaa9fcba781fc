"""Exact cases on a hand-made model: parsing, media checks, navigation, `when`, payload."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from kiegram.catalog import Catalog, CostSpec, InputSpec, Label, ModelSpec, Option
from kiegram.errors import KiegramError
from kiegram.i18n import load_translator
from kiegram.wizard import (
    Action,
    Invalid,
    MediaAnswer,
    MediaRef,
    MissingInputError,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    Wizard,
    build_payload,
    refusal,
    request_body,
)

TR = load_translator()


def _spec(**changes: Any) -> ModelSpec:
    raw: dict[str, Any] = {
        "id": "test/model",
        "code": "test_model",
        "family": "test",
        "category": "image-edit",
        "output": "image",
        "name": {"ru": "Тест", "en": "Test"},
        "description": {"ru": "", "en": ""},
        "docs_url": "https://docs.kie.ai/x",
        "order": ["image", "prompt"],
        "inputs": [
            {
                "name": "prompt",
                "kind": "text",
                "required": True,
                "max_length": 10,
                "label": {"ru": "Промпт", "en": "Prompt"},
            },
            {
                "name": "image",
                "kind": "media",
                "required": True,
                "media": "image",
                "file_types": ["image/jpeg", "image/png"],
                "max_file_mb": 1,
            },
            {"name": "refs", "kind": "media_list", "media": "image", "max_items": 3},
            {"name": "count", "kind": "integer", "min": 1, "max": 4, "default": 1},
            {"name": "strength", "kind": "number", "min": 0, "max": 1, "step": 0.01},
            {
                "name": "fmt",
                "kind": "choice",
                "default": "png",
                "lowercase": True,
                "options": [
                    {"value": "png", "label": {"ru": "ПНГ", "en": "Png file"}},
                    {"value": "jpeg"},
                ],
            },
            {"name": "flag", "kind": "boolean"},
            {
                "name": "mode",
                "kind": "choice",
                "options": [{"value": "a"}, {"value": "b"}, {"value": "c"}],
            },
            {"name": "extra", "kind": "text", "when": {"mode": ["b"]}},
            {"name": "shapes", "kind": "struct"},
            {"name": "ids", "kind": "text_list"},
        ],
        "cost": {"by": ["mode"], "table": {"a": 4, "b": 6, "*": 5}},
    }
    raw.update(changes)
    return ModelSpec.model_validate(raw)


SPEC = _spec()
WIZ = Wizard(Catalog([SPEC]))


def ok(result: Step | Invalid) -> Step:
    assert isinstance(result, Step), result
    return result


def refused(result: Step | Invalid, key: str) -> Invalid:
    assert isinstance(result, Invalid), result
    assert result.key == key, (result.key, dict(result.values))
    return result


def photo(n: int = 0, mime: str = "image/png", size: int = 1000, kind: str = "image") -> MediaRef:
    return MediaRef(f"tg:p{n}", kind, mime, size)


def at_confirm() -> Step:
    step = ok(WIZ.answer(WIZ.start(SPEC.id).state, MediaAnswer((photo(),))))
    step = ok(WIZ.answer(step.state, TextAnswer("cat")))
    assert step.view.kind is ScreenKind.CONFIRM
    return step


def at_settings() -> Step:
    """The settings screen, opened from the confirm the last required answer leads to."""
    return ok(WIZ.answer(at_confirm().state, Press(Action.SETTINGS)))


def open_setting(step: Step, name: str) -> Step:
    index = [f.name for f in SPEC.inputs].index(name)
    return ok(WIZ.answer(step.state, Press(Action.OPEN, index)))


def test_text_over_the_limit_is_refused_with_limit_and_length_never_cut() -> None:
    step = ok(WIZ.answer(WIZ.start(SPEC.id).state, MediaAnswer((photo(),))))
    result = refused(WIZ.answer(step.state, TextAnswer("x" * 12)), "wizard.err_too_long")
    assert (result.values["limit"], result.values["length"]) == (10, 12)
    assert refusal(TR, "en", result).startswith(
        "Prompt is too long: 12 characters, the limit is 10"
    )
    refused(WIZ.answer(step.state, TextAnswer("   ")), "wizard.err_empty")
    assert (
        ok(WIZ.answer(step.state, TextAnswer("  ten chars  "))).state["values"]["prompt"]
        == "ten chars"
    )


@pytest.mark.parametrize(
    ("typed", "name", "expected"),
    [
        ("5", "count", None),
        ("3", "count", 3),
        (" 2 ", "count", 2),
        ("2,6", "count", 3),
        ("0.5", "strength", 0.5),
        ("0,123", "strength", 0.12),
        ("1.0", "strength", 1),
        ("-0.1", "strength", None),
        ("abc", "strength", None),
        ("nan", "strength", None),
    ],
)
def test_numbers_are_parsed_range_checked_and_rounded(typed: str, name: str, expected: Any) -> None:
    step = open_setting(at_settings(), name)
    result = WIZ.answer(step.state, TextAnswer(typed))
    if expected is None:
        assert isinstance(result, Invalid)
        assert result.key in ("wizard.err_range", "wizard.err_not_number")
        return
    value = ok(result).state["values"][name]
    assert value == expected and type(value) is type(expected)


def test_number_presets_respect_the_step_and_the_range() -> None:
    step = open_setting(at_settings(), "count")
    presets = [b.text for b in step.view.buttons() if b.action is Action.NUMBER]
    assert presets == ["1", "2", "3", "4"]
    step = ok(WIZ.answer(step.state, Press(Action.NUMBER, 2)))
    assert step.state["values"]["count"] == 3


@pytest.mark.parametrize("word", ["yes", "Да", "on", "1", "true", "ВКЛ"])
def test_booleans_accept_the_usual_spellings(word: str) -> None:
    spec = _spec(
        order=["flag"], inputs=[{"name": "flag", "kind": "boolean", "required": True}], cost=None
    )
    wiz = Wizard(Catalog([spec]))
    step = ok(wiz.answer(wiz.start(spec.id).state, TextAnswer(word)))
    assert step.state["values"]["flag"] is True
    refused(wiz.answer(wiz.start(spec.id).state, TextAnswer("maybe")), "wizard.err_not_boolean")


def test_choices_match_values_and_labels_case_insensitively() -> None:
    for typed in ("PNG", "пнг", "png FILE", "Jpeg"):
        step = ok(WIZ.answer(open_setting(at_settings(), "fmt").state, TextAnswer(typed)))
        assert step.state["values"]["fmt"] in ("png", "jpeg")
    bad = refused(
        WIZ.answer(open_setting(at_settings(), "fmt").state, TextAnswer("gif")),
        "wizard.err_not_option",
    )
    assert bad.values["allowed"] == "png, jpeg"


def test_option_prices_are_shown_and_options_of_unknown_cost_hidden() -> None:
    spec = _spec(cost={"by": ["mode"], "table": {"a": 4, "b": 6}})
    wiz = Wizard(Catalog([spec]))
    step = ok(wiz.answer(wiz.start(spec.id).state, MediaAnswer((photo(),))))
    step = ok(wiz.answer(step.state, TextAnswer("cat")))
    step = ok(wiz.answer(step.state, Press(Action.SETTINGS)))
    step = ok(wiz.answer(step.state, Press(Action.OPEN, 7)))
    buttons = {b.arg: b.credits for b in step.view.buttons() if b.action is Action.OPTION}
    assert buttons == {0: Decimal("4.00"), 1: Decimal("6.00")}
    refused(wiz.answer(step.state, Press(Action.OPTION, 2)), "wizard.err_unavailable_option")
    refused(wiz.answer(step.state, TextAnswer("c")), "wizard.err_not_option")
    step = ok(wiz.answer(step.state, Press(Action.OPTION, 1)))
    confirm = ok(wiz.answer(step.state, Press(Action.DONE)))
    assert confirm.view.credits == Decimal("6.00")


def test_confirm_without_a_known_cost_has_no_confirm_button() -> None:
    spec = _spec(cost={"by": ["mode"], "table": {"a": 4}})
    wiz = Wizard(Catalog([spec]))
    step = ok(wiz.answer(wiz.start(spec.id).state, MediaAnswer((photo(),))))
    step = ok(wiz.answer(step.state, TextAnswer("cat")))  # mode unset: no price row
    assert step.view.kind is ScreenKind.CONFIRM
    assert step.view.credits is None and step.view.text.key == "wizard.not_available"
    assert Action.CONFIRM not in [b.action for b in step.view.buttons()]
    refused(wiz.answer(step.state, Press(Action.CONFIRM)), "wizard.not_available")


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        (MediaAnswer((photo(0), photo(1))), "wizard.err_single_only"),
        (MediaAnswer((photo(kind="video", mime="video/mp4"),)), "wizard.err_wrong_media"),
        (MediaAnswer((photo(mime="image/gif"),)), "wizard.err_file_type"),
        (MediaAnswer((photo(size=3 * 1024 * 1024),)), "wizard.err_file_too_big"),
        (TextAnswer("ftp://example.com/a.png"), "wizard.err_bad_url"),
        (TextAnswer("http:///a.png"), "wizard.err_bad_url"),
        (TextAnswer("https://example.com/a.mp4"), "wizard.err_wrong_media"),
    ],
)
def test_bad_media_is_refused_and_the_state_is_unchanged(answer: Any, key: str) -> None:
    start = WIZ.start(SPEC.id).state
    before = copy.deepcopy(start)
    result = refused(WIZ.answer(start, answer), key)
    assert result.state is start and start == before


def test_typed_urls_are_accepted_for_media() -> None:
    step = ok(WIZ.answer(WIZ.start(SPEC.id).state, TextAnswer(" https://example.com/cat.png ")))
    assert step.state["values"]["image"]["ref"] == "https://example.com/cat.png"
    step = ok(WIZ.answer(WIZ.start(SPEC.id).state, TextAnswer("https://example.com/render")))
    assert step.state["values"]["image"]["media"] == "image"


def test_media_list_counts_are_checked() -> None:
    step = open_setting(at_settings(), "refs")
    refused(
        WIZ.answer(step.state, MediaAnswer(tuple(photo(i) for i in range(4)))),
        "wizard.err_too_many",
    )
    step = ok(WIZ.answer(step.state, MediaAnswer((photo(),))))
    assert build_payload(SPEC, step.state["values"])["refs"] == ["tg:p0"]


def test_back_reset_and_cancel() -> None:
    start = WIZ.start(SPEC.id)
    assert {Action.BACK, Action.RESET, Action.CANCEL} <= {b.action for b in start.view.buttons()}
    assert ok(WIZ.answer(start.state, Press(Action.BACK))).view.kind is ScreenKind.CLOSED
    assert ok(WIZ.answer(start.state, Press(Action.CANCEL))).view.kind is ScreenKind.CANCELLED
    step = ok(WIZ.answer(start.state, MediaAnswer((photo(),))))
    back = ok(WIZ.answer(step.state, Press(Action.BACK)))
    assert back.view.field == "image" and "image" in back.state["values"]
    reset = ok(WIZ.answer(back.state, Press(Action.RESET)))
    assert reset.view.field == "image" and "image" not in reset.state["values"]


def test_a_finished_form_refuses_answers() -> None:
    cancelled = ok(WIZ.answer(WIZ.start(SPEC.id).state, Press(Action.CANCEL)))
    refused(WIZ.answer(cancelled.state, TextAnswer("x")), "wizard.err_finished")


def test_editing_a_setting_keeps_the_others_and_when_prunes_values() -> None:
    step = at_settings()
    step = ok(WIZ.answer(open_setting(step, "count").state, TextAnswer("2")))
    step = ok(WIZ.answer(step.state, Press(Action.TOGGLE, 6)))
    step = ok(WIZ.answer(open_setting(step, "mode").state, Press(Action.OPTION, 1)))
    names = [f.name for f in SPEC.inputs]
    assert names.index("extra") in [b.arg for b in step.view.buttons()]
    step = ok(WIZ.answer(open_setting(step, "extra").state, TextAnswer("more")))
    assert step.state["values"]["extra"] == "more"
    step = ok(WIZ.answer(open_setting(step, "mode").state, Press(Action.OPTION, 0)))
    values = step.state["values"]
    assert "extra" not in values and values["count"] == 2 and values["flag"] is True
    assert names.index("extra") not in [b.arg for b in step.view.buttons()]
    json.loads(json.dumps(step.state))


def test_payload_sends_kie_names_required_defaults_and_nothing_undocumented() -> None:
    values = {
        "prompt": "Cat",
        "image": photo().to_json(),
        "fmt": "JPEG",
        "strength": 0.505,
        "shapes": [{"x": 1}],
        "ids": ["t1"],
        "extra": "dropped: mode is not b",
    }
    spec = _spec(
        inputs=[
            *(i.model_dump() for i in SPEC.inputs if i.name != "fmt"),
            {"name": "fmt", "kind": "text", "required": True, "lowercase": True},
        ]
    )
    payload = build_payload(spec, values, lambda ref: "https://u/" + ref)
    assert payload == {"prompt": "Cat", "image": "https://u/tg:p0", "fmt": "jpeg", "strength": 0.51}
    with_default = _spec(
        inputs=[
            *(i.model_dump() for i in SPEC.inputs if i.name != "count"),
            {"name": "count", "kind": "integer", "required": True, "default": 1},
        ]
    )
    values["fmt"] = "jpeg"
    assert build_payload(with_default, values)["count"] == 1
    with pytest.raises(MissingInputError) as missing:
        build_payload(SPEC, {"prompt": "cat"})
    assert isinstance(missing.value, KiegramError) and missing.value.name == "image"


def test_request_body_market_wraps_input_and_dedicated_apis_are_flat() -> None:
    payload = {"prompt": "cat"}
    assert request_body(SPEC, payload) == {"model": "test/model", "input": payload}
    runway = _spec(api="runway")
    assert request_body(runway, payload, "https://cb") == {
        "prompt": "cat",
        "callBackUrl": "https://cb",
    }


def test_answers_never_mutate_the_given_state_and_buttons_are_compact() -> None:
    step = at_settings()
    before = copy.deepcopy(step.state)
    for button in step.view.buttons():
        WIZ.answer(step.state, Press(button.action, button.arg))
        assert len(f"w:{button.action.value}:{button.arg}".encode()) <= 64
    assert step.state == before


def test_labels_pick_the_language() -> None:
    assert Label(ru="а", en="b").get("en") == "b"
    assert Option(value="x").label is None
    assert CostSpec().table == {}
    assert InputSpec(name="n", kind="text").askable
