"""Object lists, modes, numbers sent as strings, dropped answers and the docs-fidelity fixes."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from kiegram.catalog import Catalog, InputKind, InputSpec, load_catalog
from kiegram.catalog.spec import MODE_INPUT
from kiegram.i18n import load_translator
from kiegram.sandbox.validate import validate_input
from kiegram.wizard import (
    Action,
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
    plain,
    refusal,
)
from kiegram.wizard.engine import take
from kiegram.wizard.items import parse_items
from kiegram.wizard.media import check_media
from kiegram.wizard.parse import parse_text

CATALOG = load_catalog()
WIZ = Wizard(CATALOG)
TR = load_translator()
DIALOGUE = "elevenlabs/text-to-dialogue-v3"
KLING = "kling-3.0/video"
SEEDANCE = "bytedance/seedance-2"
LOCALES = Path(__file__).parents[2] / "src" / "kiegram" / "i18n"


def ok(result: Step | Invalid) -> Step:
    if isinstance(result, Invalid):
        raise AssertionError(refusal(TR, "en", result))
    return result


def actions(view: View) -> list[Action]:
    return [b.action for b in view.buttons()]


def option(view: View, value: object) -> Press:
    """The option button whose catalog value is `value`."""
    spec = CATALOG.get(view.model_id)
    assert spec is not None
    field = spec.input(view.field or "")
    choices = field.options
    if field.item_fields:
        # The item field being asked: the one whose options the buttons carry.
        choices = next(f.options for f in field.item_fields if f.options)
    index = next(i for i, o in enumerate(choices) if o.value == value)
    assert index in [b.arg for b in view.buttons() if b.action is Action.OPTION]
    return Press(Action.OPTION, index)


def setting(step: Step, name: str) -> Step:
    """From the confirm, ⚙️ Settings, then the setting `name`."""
    assert step.view.kind is ScreenKind.CONFIRM, step.view
    return setting_in(ok(WIZ.answer(step.state, Press(Action.SETTINGS))), name)


def setting_in(step: Step, name: str) -> Step:
    """On the settings screen, the setting `name`."""
    assert step.view.kind is ScreenKind.SETTINGS, step.view
    index = [f.name for f in WIZ.spec(step.state).inputs].index(name)
    assert index in [b.arg for b in step.view.buttons() if b.action is Action.OPEN]
    return ok(WIZ.answer(step.state, Press(Action.OPEN, index)))


def extra(step: Step, name: str) -> Step:
    """From the confirm, the ➕ button of the optional file input `name`."""
    assert step.view.kind is ScreenKind.CONFIRM, step.view
    index = [f.name for f in WIZ.spec(step.state).inputs].index(name)
    assert index in [b.arg for b in step.view.buttons() if b.action is Action.OPEN]
    return ok(WIZ.answer(step.state, Press(Action.OPEN, index)))


def shots() -> Step:
    """Kling in multi-shot mode: the prompt, then on the confirm ⚙️ Multi-shot → Yes asks the
    shots at once (they are required now; the prompt no longer is sent)."""
    step = ok(WIZ.answer(WIZ.start(KLING).state, TextAnswer("a red fox")))
    assert step.view.kind is ScreenKind.CONFIRM
    step = setting(step, "multi_shots")
    return ok(WIZ.answer(step.state, option(step.view, True)))


def to_confirm(step: Step) -> Step:
    while step.view.kind is not ScreenKind.CONFIRM:
        assert step.view.kind is ScreenKind.SETTINGS, step.view
        step = ok(WIZ.answer(step.state, Press(Action.DONE)))
    return step


# --- object lists in a conversation ----------------------------------------------------------


def test_a_dialogue_is_asked_line_by_line_then_add_or_done() -> None:
    step = WIZ.start(DIALOGUE)
    assert step.view.field == "dialogue" and step.view.text.key == "shapes.ask_item"
    assert step.view.expect.kind.value == "text" and step.view.expect.max_length == 5000
    assert Action.SKIP not in actions(step.view)  # the list is required

    step = ok(WIZ.answer(step.state, TextAnswer("Привет,  как дела?\nДавно не виделись.")))
    assert step.view.text.key == "shapes.ask_item" and Action.OPTION in actions(step.view)
    step = ok(WIZ.answer(step.state, option(step.view, "TX3LPaxmHKxFdv7VOQHJ")))
    assert step.view.text.key == "shapes.list_text"
    assert actions(step.view)[:3] == [Action.REMOVE, Action.ADD, Action.DONE]

    step = ok(WIZ.answer(step.state, Press(Action.ADD)))
    step = ok(WIZ.answer(step.state, TextAnswer("Отлично!")))
    step = ok(WIZ.answer(step.state, option(step.view, "cgSgspJ2msm6clMCkdW9")))
    step = ok(WIZ.answer(step.state, TextAnswer("Третья реплика")))  # typing starts one more
    step = ok(WIZ.answer(step.state, option(step.view, "EkK5I93UQWFDigLMpZcX")))
    assert len(step.state["values"]["dialogue"]) == 3
    step = ok(WIZ.answer(step.state, Press(Action.REMOVE, 2)))
    assert len(step.state["values"]["dialogue"]) == 2

    step = to_confirm(ok(WIZ.answer(step.state, Press(Action.DONE))))
    spec = WIZ.spec(step.state)
    payload = build_payload(spec, step.state["values"])
    assert payload["dialogue"] == [
        {"text": "Привет,  как дела?\nДавно не виделись.", "voice": "TX3LPaxmHKxFdv7VOQHJ"},
        {"text": "Отлично!", "voice": "cgSgspJ2msm6clMCkdW9"},
    ]
    assert step.view.credits == Decimal("14.00")  # 14 credits per started 1000 characters
    screen = plain(TR, "en", step.view)
    assert "1. Привет,  как дела?" in screen and "2. Отлично! · Jessica" in screen
    assert validate_input(spec, payload) is None


def test_the_price_counts_every_lines_characters() -> None:
    spec = CATALOG.get(DIALOGUE)
    assert spec is not None
    lines = [{"text": "a" * 700, "voice": "TX3LPaxmHKxFdv7VOQHJ"}] * 2
    step = ok(WIZ.answer(WIZ.start(DIALOGUE).state, TextAnswer("x")))
    state = {**step.state, "values": {"dialogue": lines}, "screen": "confirm", "field": None}
    assert WIZ.view(state).credits == Decimal("28.00")


def test_back_inside_an_item_returns_to_its_previous_field_then_drops_it() -> None:
    step = ok(WIZ.answer(WIZ.start(DIALOGUE).state, TextAnswer("one")))
    step = ok(WIZ.answer(step.state, option(step.view, "TX3LPaxmHKxFdv7VOQHJ")))
    step = ok(WIZ.answer(step.state, Press(Action.ADD)))
    step = ok(WIZ.answer(step.state, TextAnswer("two")))
    step = ok(WIZ.answer(step.state, Press(Action.BACK)))
    assert step.view.text.key == "shapes.ask_item" and step.view.current == "two"
    step = ok(WIZ.answer(step.state, Press(Action.BACK)))
    assert step.view.text.key == "shapes.list_text"
    assert step.state["values"]["dialogue"] == [{"text": "one", "voice": "TX3LPaxmHKxFdv7VOQHJ"}]


def test_add_is_hidden_at_max_items_and_done_needs_min_items() -> None:
    step = shots()
    assert step.view.field == "multi_prompt" and step.view.text.key == "shapes.ask_item"
    for number in range(1, 6):
        if number > 1:
            step = ok(WIZ.answer(step.state, Press(Action.ADD)))
        step = ok(WIZ.answer(step.state, TextAnswer(f"shot {number}")))
        step = ok(WIZ.answer(step.state, TextAnswer("3")))
    assert step.view.text.key == "shapes.list_full"
    assert Action.ADD not in actions(step.view) and Action.DONE in actions(step.view)
    refused = WIZ.answer(step.state, Press(Action.ADD))
    assert isinstance(refused, Invalid)
    for _ in range(5):
        step = ok(WIZ.answer(step.state, Press(Action.REMOVE, 0)))
    # The list is empty again: its first item is asked, Done is not offered.
    assert step.view.text.key == "shapes.ask_item" and Action.DONE not in actions(step.view)


def test_shots_switched_on_are_asked_until_given_or_switched_off_again() -> None:
    step = ok(WIZ.answer(shots().state, Press(Action.BACK)))  # not now: the settings
    assert step.view.kind is ScreenKind.SETTINGS and "multi_prompt" not in step.state["values"]
    step = ok(WIZ.answer(step.state, Press(Action.DONE)))  # the confirm would lack them
    assert step.view.field == "multi_prompt" and step.view.text.key == "shapes.ask_item"
    step = ok(WIZ.answer(step.state, Press(Action.BACK)))
    step = setting_in(step, "multi_shots")
    step = ok(WIZ.answer(step.state, option(step.view, False)))
    # One shot again: the prompt it dropped is needed again, and asked at once.
    assert step.view.field == "prompt" and step.state["values"]["multi_shots"] is False
    step = ok(WIZ.answer(step.state, TextAnswer("a red fox")))
    assert step.view.kind is ScreenKind.CONFIRM and step.view.credits is not None
    assert "dropped" not in step.state and step.view.text.key == "wizard.confirm_text"


def test_an_item_field_is_checked_like_any_input() -> None:
    step = shots()
    too_long = WIZ.answer(step.state, TextAnswer("я" * 501))
    assert isinstance(too_long, Invalid) and too_long.key == "wizard.err_too_long"
    assert "Shot description" in refusal(TR, "en", too_long)
    step = ok(WIZ.answer(step.state, TextAnswer("a wide shot")))
    out_of_range = WIZ.answer(step.state, TextAnswer("13"))
    assert isinstance(out_of_range, Invalid) and out_of_range.key == "wizard.err_range"


def test_a_required_list_is_a_step_the_confirm_leads_back_to() -> None:
    step = ok(WIZ.answer(WIZ.start(DIALOGUE).state, TextAnswer("one")))
    step = ok(WIZ.answer(step.state, option(step.view, "TX3LPaxmHKxFdv7VOQHJ")))
    step = ok(WIZ.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM  # the list was the only step
    assert Action.SETTINGS in actions(step.view)  # the stability and language sit there
    # Back to the list's step, add a line, Done leads on to the confirm again.
    step = ok(WIZ.answer(step.state, Press(Action.BACK)))
    assert step.view.field == "dialogue" and step.view.text.key == "shapes.list_text"
    step = ok(WIZ.answer(step.state, Press(Action.ADD)))
    step = ok(WIZ.answer(step.state, TextAnswer("two")))
    step = ok(WIZ.answer(step.state, option(step.view, "TX3LPaxmHKxFdv7VOQHJ")))
    assert [i["text"] for i in step.state["values"]["dialogue"]] == ["one", "two"]
    step = ok(WIZ.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM
    assert "2. two · Liam" in plain(TR, "en", step.view)


def optional_dialogue() -> Wizard:
    """The ElevenLabs dialogue with its list made optional (no catalog model has one yet)."""
    spec = CATALOG.get(DIALOGUE)
    assert spec is not None
    lines = spec.input("dialogue").model_copy(update={"required": False})
    inputs = tuple(lines if f.name == "dialogue" else f for f in spec.inputs)
    return Wizard(Catalog([spec.model_copy(update={"inputs": inputs})]))


def test_an_optional_list_is_reached_from_the_confirm() -> None:
    wiz = optional_dialogue()
    step = wiz.start(DIALOGUE)
    assert step.view.kind is ScreenKind.CONFIRM  # nothing is needed: no steps
    step = ok(wiz.answer(step.state, Press(Action.SETTINGS)))
    index = [f.name for f in wiz.spec(step.state).inputs].index("dialogue")
    step = ok(wiz.answer(step.state, Press(Action.OPEN, index)))
    assert step.view.kind is ScreenKind.EDIT and step.view.field == "dialogue"
    assert step.view.text.key == "shapes.ask_item" and Action.SKIP in actions(step.view)
    skipped = ok(wiz.answer(step.state, Press(Action.SKIP)))  # left empty: back where it was
    assert skipped.view.kind is ScreenKind.SETTINGS and "dialogue" not in skipped.state["values"]
    step = ok(wiz.answer(step.state, TextAnswer("one")))
    step = ok(wiz.answer(step.state, option(step.view, "TX3LPaxmHKxFdv7VOQHJ")))
    assert step.view.text.key == "shapes.list_text"
    step = ok(wiz.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.SETTINGS
    step = ok(wiz.answer(step.state, Press(Action.DONE)))
    assert step.view.kind is ScreenKind.CONFIRM
    payload = build_payload(wiz.spec(step.state), step.state["values"])
    assert payload["dialogue"] == [{"text": "one", "voice": "TX3LPaxmHKxFdv7VOQHJ"}]
    assert "1. one · Liam" in plain(TR, "en", step.view)


# --- object lists typed as JSON (kiegram try --set) -------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("not json", "shapes.err_not_json"),
        ('{"text": "a", "voice": "TX3LPaxmHKxFdv7VOQHJ"}', "shapes.err_not_json"),
        ('[{"text": "a", "speaker": "x"}]', "shapes.err_unknown_field"),
        ('[{"voice": "TX3LPaxmHKxFdv7VOQHJ"}]', "shapes.err_item_missing"),
        ('[{"text": "a", "voice": "nobody"}]', "wizard.err_not_option"),
        ("[]", "shapes.err_too_few_items"),
        (
            '[{"text": "' + "a" * 3000 + '"}, {"text": "' + "b" * 3000 + '"}]',
            "shapes.err_total_too_long",
        ),
    ],
)
def test_a_json_list_is_checked_item_by_item(raw: str, key: str) -> None:
    spec = CATALOG.get(DIALOGUE)
    assert spec is not None
    with pytest.raises(Exception) as caught:
        parse_items(spec, spec.input("dialogue"), raw, take)
    assert getattr(caught.value, "key", None) == key


def test_a_json_list_keeps_the_values_exactly() -> None:
    spec = CATALOG.get(DIALOGUE)
    assert spec is not None
    raw = '[{"text": " [whispering]  like this!\\n", "voice": "tx3lpaxmhkxfdv7vOQHJ"}]'
    items = parse_items(spec, spec.input("dialogue"), raw, take)
    assert items == [{"text": " [whispering]  like this!\n", "voice": "TX3LPaxmHKxFdv7VOQHJ"}]


# --- modes -------------------------------------------------------------------------------------


def test_the_mode_is_asked_first_and_never_sent() -> None:
    step = WIZ.start(SEEDANCE)
    assert step.view.field == MODE_INPUT and step.view.text.key == "wizard.ask_choice"
    assert step.view.step == 1 and step.view.steps == 2  # the mode, then the prompt
    assert [b.text.en for b in step.view.buttons() if b.action is Action.OPTION] == [  # type: ignore[union-attr]
        "First and last frame",
        "References: images and audio",
    ]
    step = ok(WIZ.answer(step.state, option(step.view, "reference")))
    assert step.view.field == "prompt"
    step = ok(WIZ.answer(step.state, TextAnswer("a cat on the beach")))
    # The mode's optional files are ➕ buttons on the confirm; the other mode's are not.
    assert step.view.kind is ScreenKind.CONFIRM
    opened = {b.arg for b in step.view.buttons() if b.action is Action.OPEN}
    names = [f.name for f in WIZ.spec(step.state).inputs]
    assert {names[i] for i in opened if isinstance(i, int)} == {
        "reference_image_urls",
        "reference_audio_urls",
    }
    step = extra(step, "reference_image_urls")
    assert step.view.kind is ScreenKind.EDIT and step.view.field == "reference_image_urls"
    photo = MediaRef("https://example.com/cat.webp", "image", "image/webp", 2048)
    step = ok(WIZ.answer(step.state, MediaAnswer((photo,))))
    assert step.view.kind is ScreenKind.CONFIRM
    spec = WIZ.spec(step.state)
    payload = build_payload(spec, step.state["values"])
    assert MODE_INPUT not in payload and "first_frame_url" not in payload
    assert payload["reference_image_urls"] == ["https://example.com/cat.webp"]
    assert validate_input(spec, payload) is None
    assert "Mode" not in [i.param.en for i in step.view.summary]  # type: ignore[union-attr]


def test_changing_the_mode_drops_the_other_modes_answers_and_says_so() -> None:
    step = WIZ.start(SEEDANCE)
    step = ok(WIZ.answer(step.state, option(step.view, "frames")))
    step = ok(WIZ.answer(step.state, TextAnswer("a cat on the beach")))
    frame = MediaRef("https://example.com/first.png", "image", "image/png", 2048)
    step = extra(step, "first_frame_url")
    step = ok(WIZ.answer(step.state, MediaAnswer((frame,))))
    assert step.view.kind is ScreenKind.CONFIRM and "dropped" not in step.state
    assert step.state["values"]["first_frame_url"]["ref"] == "https://example.com/first.png"
    while step.view.field != MODE_INPUT:
        step = ok(WIZ.answer(step.state, Press(Action.BACK)))
    step = ok(WIZ.answer(step.state, option(step.view, "reference")))
    assert "first_frame_url" not in step.state["values"]
    assert step.state["dropped"] == ["first_frame_url"]
    # The prompt is kept: the confirm follows at once and names what is no longer sent.
    assert step.view.kind is ScreenKind.CONFIRM
    assert step.state["values"]["prompt"] == "a cat on the beach"
    assert step.view.text.key == "shapes.dropped"
    assert "Not sent: First frame" in plain(TR, "en", step.view)
    assert "first_frame_url" not in build_payload(WIZ.spec(step.state), step.state["values"])
    # An answer to another input keeps the note: the first frame is still not sent.
    photo = MediaRef("https://example.com/cat.png", "image", "image/png", 2048)
    step = ok(WIZ.answer(extra(step, "reference_image_urls").state, MediaAnswer((photo,))))
    assert step.view.text.key == "shapes.dropped"


def test_a_when_rule_that_switches_off_an_answer_is_shown_on_confirm() -> None:
    step = shots()
    assert step.state["dropped"] == ["prompt"] and "prompt" not in step.state["values"]
    assert step.view.field == "multi_prompt" and step.view.text.key == "shapes.ask_item"
    step = ok(WIZ.answer(step.state, TextAnswer("shot one")))
    step = ok(WIZ.answer(step.state, TextAnswer("5")))
    step = to_confirm(ok(WIZ.answer(step.state, Press(Action.DONE))))
    assert step.view.text.key == "shapes.dropped"
    assert "Не будет отправлено: Описание" in plain(TR, "ru", step.view)
    assert Action.CONFIRM in actions(step.view)
    payload = build_payload(WIZ.spec(step.state), step.state["values"])
    assert "prompt" not in payload and payload["multi_prompt"] == [
        {"prompt": "shot one", "duration": 5}
    ]


# --- numbers as strings, media types, text ----------------------------------------------------


def test_a_number_documented_as_a_string_is_sent_as_one() -> None:
    spec = CATALOG.get("grok-imagine/image-to-video")
    assert spec is not None and spec.input("duration").as_string
    values = {
        "image_urls": [{"ref": "https://example.com/a.png", "media": "image"}],
        "prompt": "a fox",
        "duration": take(spec, {}, spec.input("duration"), TextAnswer("10")),
    }
    payload = build_payload(spec, values)
    assert payload["duration"] == "10"
    assert validate_input(spec, payload) is None
    assert validate_input(spec, {**payload, "duration": 10}) == "duration must be a string"
    assert validate_input(spec, {**payload, "duration": "31"}) == "duration must be at most 30"


@pytest.mark.parametrize("url", ["https://example.com/a.webp", "https://example.com/a.WEBP?x=1"])
def test_webp_urls_are_accepted(url: str) -> None:
    field = InputSpec(
        name="image_url",
        kind=InputKind.MEDIA,
        media=None,
        file_types=("image/jpeg", "image/png", "image/webp"),
    )
    stored = check_media(field, [MediaRef(url, "image")])
    assert stored["ref"] == url


def test_text_keeps_its_inner_whitespace_and_exact_text_its_edges() -> None:
    field = InputSpec(name="prompt", kind=InputKind.TEXT)
    assert parse_text(field, "  a  b\n\nc  ") == "a  b\n\nc"
    assert parse_text(field, "  a  b\n\nc  ", exact=True) == "  a  b\n\nc  "


def test_shapes_texts_exist_in_both_languages() -> None:
    keys = {
        lang: set(tomllib.loads((LOCALES / lang / "shapes.toml").read_text()))
        for lang in ("ru", "en")
    }
    assert keys["ru"] == keys["en"]
    sources = (Path(__file__).parents[2] / "src" / "kiegram").rglob("*.py")
    used = {k for path in sources for k in keys["ru"] if f'"shapes.{k}"' in path.read_text()}
    assert used == keys["ru"], keys["ru"] - used


def test_shots_that_do_not_make_up_the_duration_cannot_be_confirmed() -> None:
    step = shots()
    step = ok(WIZ.answer(step.state, TextAnswer("a wide shot")))
    step = ok(WIZ.answer(step.state, TextAnswer("3")))
    step = to_confirm(ok(WIZ.answer(step.state, Press(Action.DONE))))
    assert step.view.text.key == "shapes.err_sum_equal"  # 3 s of shots, duration 5 s
    assert Action.CONFIRM not in actions(step.view)
    assert "add up to 3; they must equal" in plain(TR, "en", step.view)
    refused = WIZ.answer(step.state, Press(Action.CONFIRM))
    assert isinstance(refused, Invalid)
