"""Kling 3.0's elements: a list whose items hold files (2-4 photos or 1 video, an optional
voice) and clip times asked only for a video; every refusal translated in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from kiegram.catalog import InputSpec, ModelSpec, load_catalog
from kiegram.catalog.shapes import check_shapes
from kiegram.errors import CatalogError
from kiegram.i18n import load_translator
from kiegram.sandbox.validate import validate_input
from kiegram.wizard import (
    Action,
    Invalid,
    MediaAnswer,
    MediaRef,
    Press,
    Step,
    TextAnswer,
    Wizard,
    build_payload,
    refusal,
)
from kiegram.wizard.engine import take
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.items import parse_items

CATALOG = load_catalog()
WIZ = Wizard(CATALOG)
TR = load_translator()
KLING = "kling-3.0/video"


def kling() -> ModelSpec:
    found = CATALOG.get(KLING)
    assert found is not None
    return found


def elements() -> InputSpec:
    return kling().input("kling_elements")


def photo(n: int = 1) -> MediaRef:
    return MediaRef(ref=f"https://example.com/{n}.png", media="image", mime="image/png", size=9)


BASE = {"prompt": "@dog runs", "sound": False, "duration": "5", "aspect_ratio": "16:9"}
BASE = {**BASE, "mode": "pro", "multi_shots": False}
VIDEO = MediaRef(ref="https://example.com/v.mp4", media="video", mime="video/mp4", size=9)
VOICE = MediaRef(ref="https://example.com/v.mp3", media="audio", mime="audio/mpeg", size=9)


def ok(result: Step | Invalid) -> Step:
    if isinstance(result, Invalid):
        raise AssertionError(refusal(TR, "en", result))
    return result


def refused(result: Step | Invalid) -> tuple[str, str]:
    assert isinstance(result, Invalid), "the answer was taken"
    return refusal(TR, "ru", result), refusal(TR, "en", result)


def on_elements() -> Step:
    """A prompt given, then the elements opened from the settings: item 1, its name."""
    step = ok(WIZ.answer(WIZ.start(KLING).state, TextAnswer("@dog runs")))
    step = ok(WIZ.answer(step.state, Press(Action.SETTINGS)))
    index = [i.name for i in kling().inputs].index("kling_elements")
    step = ok(WIZ.answer(step.state, Press(Action.OPEN, index)))
    assert step.view.field == "kling_elements" and step.view.param is not None
    return step


def answer(step: Step, *answers: Any) -> Step:
    for one in answers:
        step = ok(WIZ.answer(step.state, one))
    return step


def test_a_photo_element_skips_the_clip_times_and_a_video_one_asks_them() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    step = answer(step, MediaAnswer((photo(1), photo(2))), Press(Action.SKIP))
    assert step.state.get("item") is None  # the item is done: the list's overview
    step = answer(step, Press(Action.ADD), TextAnswer("cat"), TextAnswer("a cat"))
    step = answer(step, MediaAnswer((VIDEO,)), MediaAnswer((VOICE,)))
    assert step.view.param == kling().input("kling_elements").item_fields[4].label
    step = answer(step, Press(Action.SKIP), TextAnswer("5000"))  # start 0 (KIE's default)
    body = build_payload(kling(), step.state["values"])
    assert validate_input(kling(), body) is None  # the sandbox takes what the chat sends
    sent = body["kling_elements"]
    assert sent == [
        {
            "name": "dog",
            "description": "a corgi",
            "element_input_urls": ["https://example.com/1.png", "https://example.com/2.png"],
        },
        {
            "name": "cat",
            "description": "a cat",
            "element_input_urls": ["https://example.com/v.mp4"],
            "element_input_audio_urls": ["https://example.com/v.mp3"],
            "end_time": 5000,
        },
    ]


def test_back_from_the_list_after_a_photo_element_skips_the_clip_times() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    step = answer(step, MediaAnswer((VIDEO,)), Press(Action.SKIP), TextAnswer("0"))
    assert step.view.param == elements().item_fields[5].label  # the clip's end
    step = answer(step, Press(Action.BACK), Press(Action.BACK), Press(Action.BACK))
    assert step.view.param == elements().item_fields[2].label  # the files again
    step = answer(step, MediaAnswer((photo(1), photo(2))), Press(Action.SKIP))
    assert step.state["values"]["kling_elements"][0].keys() == {
        "name",
        "description",
        "element_input_urls",
    }


@pytest.mark.parametrize(
    ("files", "ru", "en"),
    [
        ((photo(),), "пришлите 2–4 фото или 1 видео.", "send 2–4 photos or 1 video."),
        ((VIDEO, VIDEO), "пришлите 2–4 фото или 1 видео.", "send 2–4 photos or 1 video."),
        (
            (photo(), VIDEO),
            "пришлите 2–4 фото или 1 видео — файлы одного вида, не вперемешку.",
            "send 2–4 photos or 1 video, files of one kind, not mixed.",
        ),
        ((VOICE, VOICE), "", "at most 4 files"),
    ],
)
def test_the_files_of_an_element_are_one_kind_in_its_numbers(
    files: tuple[MediaRef, ...], ru: str, en: str
) -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    if files[0] is VOICE:
        files = (photo(1), photo(2), photo(3), photo(4), VOICE)
    said_ru, said_en = refused(WIZ.answer(step.state, MediaAnswer(files)))
    assert said_ru.startswith("Фото или видео элемента: ") and ru in said_ru
    assert said_en.startswith("Photos or a video of the element: ") and en in said_en


def test_a_name_is_one_word_without_at() -> None:
    step = on_elements()
    for bad in ("@dog", "my dog", "собака"):
        said_ru, said_en = refused(WIZ.answer(step.state, TextAnswer(bad)))
        assert said_ru.startswith("Имя элемента: напишите одно слово латиницей"), said_ru
        assert said_en.startswith("Element name: write one word of Latin letters"), said_en
    assert ok(WIZ.answer(step.state, TextAnswer("red_car2"))).view.param is not None


def test_the_clip_is_three_to_eight_seconds_after_its_start() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    step = answer(step, MediaAnswer((VIDEO,)), Press(Action.SKIP), TextAnswer("2000"))
    said_ru, said_en = refused(WIZ.answer(step.state, TextAnswer("12000")))
    assert said_ru == (
        "Элементы (персонажи, предметы), № 1: «Конец фрагмента, мс» — на 3000–8000 мс позже, "
        "чем «Начало фрагмента, мс», а сейчас разница 10000 мс."
    )
    assert said_en == (
        "Elements (characters, objects), no. 1: “Clip end, ms” must come 3000–8000 ms after "
        "“Clip start, ms”, it is 10000 ms now."
    )
    assert ok(WIZ.answer(step.state, TextAnswer("10000"))).state.get("item") is None


def test_a_list_typed_as_json_refuses_clip_times_for_photos() -> None:
    raw = (
        '[{"name": "dog", "description": "a corgi", "start_time": 0, '
        '"element_input_urls": ["https://e.com/1.png", "https://e.com/2.png"]}]'
    )
    with pytest.raises(InvalidAnswer) as caught:
        parse_items(kling(), elements(), raw, take)
    found = Invalid(caught.value.key, caught.value.values, {})
    assert refusal(TR, "en", found) == (
        "Elements (characters, objects), no. 1: “Clip start, ms” is set only when the "
        "element is a video."
    )
    assert refusal(TR, "ru", found).endswith("задаётся, только когда элемент — видео.")


@pytest.mark.parametrize(
    ("urls", "problem"),
    [
        (["https://e.com/1.png", "https://e.com/2.jpg"], None),
        (["https://e.com/v.mp4"], None),
        (["https://e.com/1.png"], "element_input_urls: 1 files of that kind is not allowed"),
        (["https://e.com/1.png", "https://e.com/v.mov"], "element_input_urls mixes kinds"),
        (["https://e.com/x", "https://e.com/y"], None),  # kinds unknown: not judged
    ],
)
def test_the_sandbox_counts_an_elements_files_by_kind(urls: list[str], problem: str | None) -> None:
    item = {"name": "dog", "description": "a corgi", "element_input_urls": urls}
    found = validate_input(kling(), {**BASE, "kling_elements": [item]})
    if problem is None:
        assert found is None, found
    else:
        assert found is not None and found.startswith(f"kling_elements[1]: {problem}"), found


def test_the_catalog_refuses_item_rules_that_name_nothing() -> None:
    bad_when = elements().item_fields[4].model_copy(update={"when_media": {"name": "video"}})
    subs = (*elements().item_fields[:4], bad_when, *elements().item_fields[5:])
    broken = kling().model_copy(
        update={
            "inputs": tuple(
                i.model_copy(update={"item_fields": subs}) if i.name == "kling_elements" else i
                for i in kling().inputs
            )
        }
    )
    with pytest.raises(CatalogError, match="when_media names no media field"):
        check_shapes(broken, "kling")


def test_two_elements_cannot_share_a_name() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    step = answer(step, MediaAnswer((photo(1), photo(2))), Press(Action.SKIP))
    step = answer(step, Press(Action.ADD))
    said_ru, said_en = refused(WIZ.answer(step.state, TextAnswer("dog")))
    assert said_ru == (
        "Элементы (персонажи, предметы), № 2: значение «dog» поля «Имя элемента» уже есть "
        "в списке — нужно другое."
    )
    assert said_en.startswith("Elements (characters, objects), no. 2: “dog” is already")


def test_a_photo_of_an_element_is_at_most_ten_megabytes() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    big = MediaRef(ref="https://e.com/b.png", media="image", mime="image/png", size=11 << 20)
    said_ru, said_en = refused(WIZ.answer(step.state, MediaAnswer((photo(), big))))
    assert said_ru.startswith("Фото или видео элемента: ") and "10" in said_ru
    assert "10" in said_en and "11.0" in said_en


def test_a_voice_lasts_five_to_thirty_seconds_and_a_video_three_or_more() -> None:
    step = answer(on_elements(), TextAnswer("dog"), TextAnswer("a corgi"))
    short = MediaRef(ref="https://e.com/v.mp4", media="video", mime="video/mp4", duration=2)
    said_ru, said_en = refused(WIZ.answer(step.state, MediaAnswer((short,))))
    assert said_ru == ("Фото или видео элемента: нужно не короче 3 с, а этот файл длится 2 с.")
    assert said_en == (
        "Photos or a video of the element: at least 3 s is needed, this file lasts 2 s."
    )
    step = answer(step, MediaAnswer((VIDEO,)))
    long = MediaRef(ref="https://e.com/a.mp3", media="audio", mime="audio/mpeg", duration=31.5)
    said_ru, said_en = refused(WIZ.answer(step.state, MediaAnswer((long,))))
    assert said_ru == "Голос элемента: нужна запись от 5 до 30 с, а эта длится 31,5 с."
    assert said_en.endswith("a recording of 5 to 30 s is needed, this one lasts 31.5 s.")
