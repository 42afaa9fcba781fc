"""The request examples of Suno's upload-and-cover and upload-and-extend pages, typed into
`kiegram try --dry-run` for the models of the user's own track (the follow-ups' cases are in
part 4), the printed body compared byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from docs_examples_kit import case, expected, printed_body, same

CASES = [
    case(
        "suno-api/upload-and-cover-audio",
        "suno-upload-cover",
        {
            "uploadUrl": "https://storage.example.com/upload",
            "prompt": "A calm and relaxing piano track with soft melodies",
            "customMode": True,
            "instrumental": True,
            "model": "V4",
            "style": "Classical",
            "title": "Peaceful Piano Meditation",
            "negativeTags": "Heavy Metal, Upbeat Drums",
            "vocalGender": "m",
            "styleWeight": 0.65,
            "weirdnessConstraint": 0.65,
            "audioWeight": 0.65,
            "personaId": "persona_123",
            "personaModel": "style_persona",
        },
    ),
    case(
        "suno-api/upload-and-extend-audio",
        "suno-upload-extend",
        {
            "uploadUrl": "https://storage.example.com/upload",
            "defaultParamFlag": True,
            "instrumental": True,
            "continueAt": 60,
            "model": "V4",
            "prompt": "Extend the music with more relaxing notes",
            "style": "Classical",
            "title": "Peaceful Piano Extended",
            "negativeTags": "Relaxing Piano",
            "vocalGender": "m",
            "styleWeight": 0.65,
            "weirdnessConstraint": 0.65,
            "audioWeight": 0.65,
            "personaId": "persona_123",
        },
    ),
]


@pytest.mark.parametrize(("model", "body"), CASES)
def test_the_docs_example_is_the_printed_body(
    model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = printed_body(model, body, capsys)
    assert same(printed, expected(model, body)), printed
