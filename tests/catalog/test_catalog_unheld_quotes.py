"""The quotes of models unheld with price rules: the parts KIE's feed lists, added up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kiegram.catalog import credits_for, load_catalog

IMAGE: dict[str, Any] = {"ref": "tg:1", "media": "image"}


def video(seconds: float | None) -> dict[str, Any]:
    ref: dict[str, Any] = {"ref": "tg:2", "media": "video"}
    return ref if seconds is None else {**ref, "duration": seconds}


def test_minimax_reference_adds_images_and_seconds_of_reference_video() -> None:
    spec = load_catalog().get("minimax-h3/reference-to-video")
    assert spec is not None and spec.usable
    # 2K: 13 per output second + 4 per image.
    assert credits_for(spec, {"duration": 10, "reference_image_urls": [IMAGE, IMAGE]}) == 138
    # 768P: 8 per output second + 4 per image + 8 per (started) second of reference video.
    values = {
        "duration": 10,
        "resolution": "768P",
        "reference_image_urls": [IMAGE],
        "reference_video_urls": [video(6.2)],
    }
    assert credits_for(spec, values) == Decimal(80 + 4 + 8 * 7)
    # A reference video of unknown length: no quote, so no confirm.
    values["reference_video_urls"] = [video(None)]
    assert credits_for(spec, values) is None


def test_kling_transformation_is_priced_per_second_of_the_video() -> None:
    spec = load_catalog().get("kling-3.0-omni/transformation")
    assert spec is not None and spec.usable and spec.cost is not None
    assert credits_for(spec, {"video_urls": [video(7.4)]}) == 20 * 8
    assert credits_for(spec, {"video_urls": [video(5)], "resolution": "4k"}) == 67 * 5
    assert spec.cost.max_seconds == 15.5
    # Only a video: KIE accepts aspect_ratio "auto" alone, and it is always sent.
    assert spec.input("aspect_ratio").option_values() == ("auto",)
    assert "image_urls" not in spec.inputs_by_name()


def test_wan_flash_is_quoted_at_its_dearer_siblings_price() -> None:
    catalog = load_catalog()
    for flash, sibling in (
        ("wan/2-6-flash-image-to-video", "wan/2-6-image-to-video"),
        ("wan/2-6-flash-video-to-video", "wan/2-6-video-to-video"),
    ):
        spec, dearer = catalog.get(flash), catalog.get(sibling)
        assert spec is not None and spec.usable and spec.cost is not None
        assert dearer is not None and dearer.cost is not None
        # The sibling's rows (the newest feed's where the catalog kept an older figure).
        assert spec.cost.table.keys() == dearer.cost.table.keys(), flash
        assert all(spec.cost.table[k] >= dearer.cost.table[k] for k in spec.cost.table), flash
        assert "dearer sibling" in spec.cost.note and "margin alert" in spec.cost.note
        # Sound on or off, the quote is the sibling's.
        for audio in (True, False):
            values = {"resolution": "1080p", "duration": "10", "audio": audio}
            assert credits_for(spec, values) == Decimal(210)


def test_speech_to_text_is_quoted_per_minute_and_off_until_switched_on() -> None:
    spec = load_catalog().get("elevenlabs/speech-to-text")
    assert spec is not None and spec.usable and spec.off_by_default

    def audio(seconds: float) -> dict[str, Any]:
        return {"audio_url": {"ref": "tg:3", "media": "audio", "duration": seconds}}

    # Never under the 3.5 credits KIE listed, whatever it was per; over 3.5 a minute beyond.
    assert credits_for(spec, audio(5)) == credits_for(spec, audio(60)) == Decimal("3.60")
    assert credits_for(spec, audio(600)) == Decimal("36.00")
