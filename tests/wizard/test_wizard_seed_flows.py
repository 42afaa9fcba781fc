"""The flows the operator's report names (SEED.md), walked one screen at a time."""

from __future__ import annotations

from typing import Any

import pytest

from kiegram.catalog import InputKind, load_catalog
from kiegram.i18n import load_translator
from kiegram.wizard import (
    Action,
    ExpectKind,
    Invalid,
    MediaAnswer,
    MediaRef,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    Wizard,
    build_payload,
    plain,
)

CATALOG = load_catalog()
WIZARD = Wizard(CATALOG)
TR = load_translator()


def photo(n: int = 0) -> MediaRef:
    return MediaRef(f"tg:photo{n}", "image", "image/jpeg", 200_000)


def ok(step: Step | Invalid) -> Step:
    assert isinstance(step, Step), step
    return step


def needs_order(model_id: str, expected: tuple[str, ...]) -> None:
    """The flow is the acceptance check of the catalog data; say so when the data differs."""
    spec = CATALOG.get(model_id)
    assert spec is not None and spec.usable, model_id
    if spec.order[: len(expected)] != expected:
        pytest.xfail(f"catalog data: {model_id} order is {spec.order}, expected {expected}")


def option_press(step: Step, value: Any) -> Press:
    spec = WIZARD.spec(step.state)
    field = spec.input(step.view.field or "")
    index = field.option_values().index(value)
    assert index in [b.arg for b in step.view.buttons() if b.action is Action.OPTION]
    return Press(Action.OPTION, index)


def test_nano_banana_pro_asks_only_the_prompt_and_offers_the_rest_on_the_confirm() -> None:
    needs_order("nano-banana-pro", ("image_input", "prompt", "aspect_ratio", "resolution"))
    step = WIZARD.start("nano-banana-pro")
    assert (step.view.field, step.view.step, step.view.steps) == ("prompt", 1, 1)
    assert step.view.expect.kind is ExpectKind.TEXT
    shown = plain(TR, "ru", step.view)
    assert "Шаг" not in shown and "Например" in shown  # one step: no counter; help says how
    step = ok(WIZARD.answer(step.state, TextAnswer("the cat from the photo, as an astronaut")))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits is not None
    add = next(b for b in step.view.buttons() if b.action is Action.OPEN)
    step = ok(WIZARD.answer(step.state, Press(add.action, add.arg)))  # ➕ reference images
    assert (step.view.kind, step.view.field) == (ScreenKind.EDIT, "image_input")
    step = ok(WIZARD.answer(step.state, MediaAnswer((photo(),))))
    assert step.view.kind is ScreenKind.CONFIRM
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    step = ok(WIZARD.answer(step.state, _setting(step, "aspect_ratio")))
    step = ok(WIZARD.answer(step.state, option_press(step, "9:16")))
    step = ok(WIZARD.answer(step.state, _setting(step, "resolution")))
    prices = {b.arg: b.credits for b in step.view.buttons() if b.action is Action.OPTION}
    assert all(p is not None for p in prices.values()) and len(set(prices.values())) > 1
    step = ok(WIZARD.answer(step.state, option_press(step, "2K")))
    step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits is not None
    payload = build_payload(
        WIZARD.spec(step.state), step.state["values"], lambda r: "https://u/" + r
    )
    assert payload["image_input"] == ["https://u/tg:photo0"]
    assert payload["aspect_ratio"] == "9:16" and payload["resolution"] == "2K"
    back = ok(WIZARD.answer(step.state, Press(Action.BACK)))  # Done returned to that confirm
    assert back.view.kind is ScreenKind.STEP and back.view.field == "prompt"


def test_recraft_remove_background_confirms_right_after_the_image() -> None:
    needs_order("recraft/remove-background", ("image",))
    step = WIZARD.start("recraft/remove-background")
    assert step.view.field == "image" and step.view.steps == 1
    step = ok(WIZARD.answer(step.state, MediaAnswer((photo(),))))
    assert step.view.kind is ScreenKind.CONFIRM
    assert step.view.buttons()[0].action is Action.CONFIRM
    done = ok(WIZARD.answer(step.state, Press(Action.CONFIRM)))
    assert done.view.kind is ScreenKind.CONFIRMED
    assert build_payload(WIZARD.spec(done.state), done.state["values"]) == {"image": "tg:photo0"}


def test_topaz_image_upscale_confirms_after_the_image_and_the_factor_is_a_setting() -> None:
    needs_order("topaz/image-upscale", ("image_url", "upscale_factor"))
    step = WIZARD.start("topaz/image-upscale")
    step = ok(WIZARD.answer(step.state, MediaAnswer((photo(),))))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits is not None
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    step = ok(WIZARD.answer(step.state, _setting(step, "upscale_factor")))
    assert step.view.field == "upscale_factor"
    assert all(b.credits is not None for b in step.view.buttons() if b.action is Action.OPTION)
    step = ok(WIZARD.answer(step.state, TextAnswer("4")))
    step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits is not None
    payload = build_payload(WIZARD.spec(step.state), step.state["values"])
    assert payload == {"image_url": "tg:photo0", "upscale_factor": "4"}


def test_seedream_edit_takes_an_album_of_ten_images() -> None:
    spec = CATALOG.get("seedream/4.5-edit")
    assert spec is not None
    step = WIZARD.start(spec.id)
    while step.view.field != "image_urls":
        assert step.view.field == "prompt", step.view.field
        step = ok(WIZARD.answer(step.state, TextAnswer("put them all on one poster")))
    too_many = WIZARD.answer(step.state, MediaAnswer(tuple(photo(i) for i in range(15))))
    assert isinstance(too_many, Invalid) and too_many.key == "wizard.err_too_many"
    step = ok(WIZARD.answer(step.state, MediaAnswer(tuple(photo(i) for i in range(10)))))
    while step.view.kind is ScreenKind.STEP:
        step = ok(WIZARD.answer(step.state, TextAnswer("put them all on one poster")))
    if step.view.kind is ScreenKind.SETTINGS:
        step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    payload = build_payload(spec, step.state["values"], lambda r: "https://u/" + r)
    assert payload["image_urls"] == [f"https://u/tg:photo{i}" for i in range(10)]


def _setting(step: Step, name: str) -> Press:
    spec = WIZARD.spec(step.state)
    index = [f.name for f in spec.inputs].index(name)
    kind = spec.input(name).kind
    return Press(Action.TOGGLE if kind is InputKind.BOOLEAN else Action.OPEN, index)


def test_qwen_image_edit_changes_several_settings_without_losing_any() -> None:
    step = WIZARD.start("qwen/image-edit")
    while step.view.kind is ScreenKind.STEP:
        is_media = step.view.expect.kind is ExpectKind.MEDIA
        answer = MediaAnswer((photo(),)) if is_media else TextAnswer("make it night")
        step = ok(WIZARD.answer(step.state, answer))
    assert step.view.kind is ScreenKind.CONFIRM
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    assert len([b for b in step.view.buttons() if b.action in (Action.OPEN, Action.TOGGLE)]) >= 10
    edits = [
        ("image_size", TextAnswer("square_hd")),
        ("num_inference_steps", TextAnswer(" 30 ")),
        ("guidance_scale", TextAnswer("7,25")),
        ("negative_prompt", TextAnswer("blur")),
        ("output_format", TextAnswer("JPEG")),
    ]
    for name, answer in edits:
        step = ok(WIZARD.answer(step.state, _setting(step, name)))
        assert step.view.kind is ScreenKind.EDIT and step.view.field == name
        step = ok(WIZARD.answer(step.state, answer))
        assert step.view.kind is ScreenKind.SETTINGS
    toggle = next(b for b in step.view.buttons() if b.action is Action.TOGGLE)
    flag = WIZARD.spec(step.state).inputs[int(toggle.arg or 0)]
    step = ok(WIZARD.answer(step.state, Press(Action.TOGGLE, toggle.arg)))
    step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM
    payload = build_payload(WIZARD.spec(step.state), step.state["values"])
    assert payload["image_size"] == "square_hd" and payload["num_inference_steps"] == 30
    assert payload["guidance_scale"] == 7.3  # rounded to the documented 0.1 step
    assert payload["negative_prompt"] == "blur" and payload["output_format"] == "jpeg"
    assert payload[flag.name] is not bool(flag.default) and payload["prompt"] == "make it night"
    summary = {item.name for item in step.view.summary}
    assert {"image_size", "guidance_scale", flag.name, "output_format"} <= summary


def _offered(step: Step) -> set[Any]:
    field = WIZARD.spec(step.state).input(step.view.field or "")
    return {
        field.options[int(b.arg or 0)].value
        for b in step.view.buttons()
        if b.action is Action.OPTION
    }


@pytest.mark.parametrize("model_id", ["gpt-image-2-text-to-image", "gpt-image-2-image-to-image"])
def test_gpt_image_2_never_offers_4k_for_a_square(model_id: str) -> None:
    """KIE rejects 1:1 at 4K: the button is not there, and typing it is refused."""
    step = WIZARD.start(model_id)
    while step.view.kind is ScreenKind.STEP:
        is_media = step.view.expect.kind is ExpectKind.MEDIA
        answer = MediaAnswer((photo(),)) if is_media else TextAnswer("a poster that says HELLO")
        step = ok(WIZARD.answer(step.state, answer))
    assert step.view.kind is ScreenKind.CONFIRM
    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    step = ok(WIZARD.answer(step.state, _setting(step, "aspect_ratio")))
    step = ok(WIZARD.answer(step.state, option_press(step, "1:1")))
    step = ok(WIZARD.answer(step.state, _setting(step, "resolution")))
    assert _offered(step) == {"1K", "2K"}
    refused = WIZARD.answer(step.state, TextAnswer("4K"))
    assert isinstance(refused, Invalid)
    step = ok(WIZARD.answer(step.state, TextAnswer("2K")))
    step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits == 10
    payload = build_payload(WIZARD.spec(step.state), step.state["values"], lambda r: "u/" + r)
    assert (payload["aspect_ratio"], payload["resolution"]) == ("1:1", "2K")

    step = ok(WIZARD.answer(step.state, Press(Action.SETTINGS)))
    step = ok(WIZARD.answer(step.state, _setting(step, "aspect_ratio")))
    step = ok(WIZARD.answer(step.state, option_press(step, "16:9")))
    step = ok(WIZARD.answer(step.state, _setting(step, "resolution")))
    assert _offered(step) == {"1K", "2K", "4K"}
    step = ok(WIZARD.answer(step.state, option_press(step, "4K")))
    step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits == 16
