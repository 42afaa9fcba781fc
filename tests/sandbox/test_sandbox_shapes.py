"""The sandbox KIE checks object lists, modes and numbers sent as strings as the catalog says."""

from __future__ import annotations

from typing import Any

import pytest

from kiegram.catalog import ModelSpec, load_catalog
from kiegram.sandbox.validate import validate_input

CATALOG = load_catalog()


def spec(model_id: str) -> ModelSpec:
    found = CATALOG.get(model_id)
    assert found is not None
    return found


LINE = {"text": "Hello there", "voice": "TX3LPaxmHKxFdv7VOQHJ"}


@pytest.mark.parametrize(
    ("dialogue", "problem"),
    [
        ([LINE, {**LINE, "voice": "cgSgspJ2msm6clMCkdW9"}], None),
        ([], "dialogue needs at least 1 items"),
        ("Hello", "dialogue must be a list of objects"),
        ([{"text": "Hello"}], "dialogue[1].voice is required"),
        ([{**LINE, "speaker": "A"}], "dialogue[1]: unknown fields: speaker"),
        ([{**LINE, "voice": "nobody"}], "dialogue[1]: voice must be one of"),
        ([{**LINE, "text": "a" * 2600}] * 2, "dialogue: the texts are longer than 5000"),
    ],
)
def test_a_dialogue_is_checked_item_by_item(dialogue: Any, problem: str | None) -> None:
    found = validate_input(spec("elevenlabs/text-to-dialogue-v3"), {"dialogue": dialogue})
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem), found


def test_two_modes_are_never_sent_together() -> None:
    seedance = spec("bytedance/seedance-2")
    frames = {"prompt": "a cat", "first_frame_url": "https://example.com/a.png"}
    refs = {"prompt": "a cat", "reference_image_urls": ["https://example.com/b.png"]}
    assert validate_input(seedance, frames) is None
    assert validate_input(seedance, refs) is None
    assert validate_input(seedance, {**frames, **refs}) == (
        "first_frame_url and reference_image_urls cannot be sent together"
    )
    assert validate_input(seedance, {**frames, "@mode": "frames"}) == (
        "unknown input fields: @mode"
    )


def test_multi_shot_durations_are_integers_in_range() -> None:
    kling = spec("kling-3.0/video")
    base = {
        "multi_shots": True,
        "duration": "10",
        "sound": False,
        "aspect_ratio": "16:9",
        "mode": "pro",
    }
    shot = {"prompt": "a wide shot", "duration": 5}
    assert validate_input(kling, {**base, "multi_prompt": [shot, shot]}) is None
    assert validate_input(kling, {**base, "multi_prompt": [{**shot, "duration": 13}]}) == (
        "multi_prompt[1]: duration must be at most 12"
    )
    assert validate_input(kling, {**base, "multi_prompt": [shot] * 6}) == (
        "multi_prompt takes at most 5 items"
    )


def test_the_shots_add_up_to_the_duration() -> None:
    kling = spec("kling-3.0/video")
    base = {"multi_shots": True, "sound": False, "aspect_ratio": "16:9", "mode": "pro"}
    shots = [{"prompt": "a", "duration": 5}, {"prompt": "b", "duration": 4}]
    assert validate_input(kling, {**base, "duration": "9", "multi_prompt": shots}) is None
    assert validate_input(kling, {**base, "duration": "10", "multi_prompt": shots}) == (
        "multi_prompt: the durations add up to 9, not duration 10"
    )


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"first_frame_url": "https://x.test/a.png"}, None),
        (
            {"first_clip_url": "https://x.test/a.mp4", "last_frame_url": "https://x.test/b.png"},
            None,
        ),
        ({"prompt": "A cat"}, "first_frame_url is required"),
        (
            {"first_frame_url": "https://x.test/a.png", "first_clip_url": "https://x.test/a.mp4"},
            "first_frame_url and first_clip_url cannot be sent together",
        ),
    ],
)
def test_a_mode_s_required_input_is_required_only_in_its_mode(
    given: dict[str, Any], problem: str | None
) -> None:
    # Wan 2.7 image-to-video starts from a frame or continues a clip (the page's combinations).
    assert validate_input(spec("wan/2-7-image-to-video"), given) == problem
