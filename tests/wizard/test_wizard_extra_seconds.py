"""Files priced per second by a cost extra (MiniMax H3's reference videos): an unknown length
names the input on the confirm screen and hides no option."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kiegram.catalog import load_catalog
from kiegram.catalog.cost import credits_for, offered, unknown_duration

SPEC = load_catalog().get("minimax-h3/reference-to-video")
IMAGE: dict[str, Any] = {"ref": "tg:1", "media": "image"}


def values(video: dict[str, Any] | None) -> dict[str, Any]:
    given = {"prompt": "x", "duration": 5, "reference_image_urls": [IMAGE]}
    return given if video is None else {**given, "reference_video_urls": [video]}


def test_a_reference_video_without_a_length_is_named_and_unpriced() -> None:
    assert SPEC is not None
    answers = values({"ref": "https://files.test/clip.mp4", "media": "video"})
    assert credits_for(SPEC, answers) is None
    field = unknown_duration(SPEC, answers)
    assert field is not None and field.name == "reference_video_urls"
    # Every resolution stays offered: a known length would price it.
    resolution = SPEC.input("resolution")
    assert all(offered(SPEC, answers, resolution, v) for v in resolution.option_values())


def test_without_reference_videos_nothing_is_unknown() -> None:
    assert SPEC is not None
    assert unknown_duration(SPEC, values(None)) is None
    assert credits_for(SPEC, values(None)) == Decimal("69.00")  # 13 x 5 s + 4 for the image
    timed = values({"ref": "tg:2", "media": "video", "duration": 3})
    assert credits_for(SPEC, timed) == Decimal(69 + 13 * 3)
