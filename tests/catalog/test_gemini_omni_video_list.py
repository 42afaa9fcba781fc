"""Gemini Omni video offers the page's `video_list` (one source video and the part of it to
use): typed as the docs example types it, it is sent as KIE's {url, start, ends}, and its price
is the feed's "with video input" row (168 credits, 252 at 4k) whatever the duration."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from docs_examples_kit import CATALOG, expected, printed_body, same

from kiegram.catalog.cost import credits_for
from kiegram.cli.main import main

VIDEO = {"url": "https://example.com/assets/source-video.mp4", "start": 0, "ends": 10}

BODY: dict[str, Any] = {
    "prompt": "A futuristic city at night, the camera slowly pushing in",
    "image_urls": ["https://example.com/assets/scene-1.png"],
    "video_list": [VIDEO],
    "duration": "4",
}


def test_the_source_video_is_sent_as_kie_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    printed = printed_body("gemini-omni-video", BODY, capsys)
    assert same(printed, expected("gemini-omni-video", BODY)), printed


@pytest.mark.parametrize(
    ("resolution", "duration", "video", "credits"),
    [
        ("720p", "4", True, 168),
        ("1080p", "10", True, 168),
        ("4k", "6", True, 252),
        ("720p", "4", False, 63),
        ("4k", "10", False, 210),
    ],
)
def test_a_source_video_has_its_own_price(
    resolution: str, duration: str, video: bool, credits: int
) -> None:
    spec = CATALOG.get("gemini-omni-video")
    assert spec is not None
    values: dict[str, Any] = {"prompt": "x", "duration": duration, "resolution": resolution}
    if video:
        values["video_list"] = [VIDEO]
    assert credits_for(spec, values) == Decimal(credits)


def test_a_second_source_video_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "try",
            "gemini-omni-video",
            "--set=prompt=city",
            "--set=duration=4",
            '--set=video_list=[{"url": "https://e.com/a.mp4", "start": 0, "ends": 5},'
            ' {"url": "https://e.com/b.mp4", "start": 0, "ends": 5}]',
            "--dry-run",
            "--json",
            "--lang",
            "en",
        ]
    )
    captured = capsys.readouterr()
    assert code != 0 and captured.out == ""
    assert "Source video" in captured.err
