"""Suno extend and cover offer their pages' optional fields (negativeTags, vocalGender, the
three weights, personaId and personaModel): the pages' examples, typed into `kiegram try
--dry-run` with V5 (personaModel is "for V5 and V5.5 only", say the pages; their examples send
it with V4) and, for the cover, a track with vocals, print the example's body byte for byte.
The pages' rules refuse the rest with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from docs_examples_kit import expected, printed_body, same

from kiegram.cli.main import main

OPTIONS: dict[str, Any] = {
    "negativeTags": "Heavy Metal, Upbeat Drums",
    "vocalGender": "m",
    "styleWeight": 0.65,
    "weirdnessConstraint": 0.65,
    "audioWeight": 0.65,
    "personaId": "persona_123",
    "personaModel": "style_persona",
}

EXTEND: dict[str, Any] = {
    "defaultParamFlag": True,
    "audioId": "e231****-****-****-****-****8cadc7dc",
    "prompt": "Extend the music with more relaxing notes and a gentle bridge section",
    "model": "V5",
    "style": "Classical",
    "title": "Peaceful Piano Extended",
    "continueAt": 60,
    **OPTIONS,
}

COVER: dict[str, Any] = {
    "uploadUrl": "https://storage.example.com/upload",
    "prompt": "A calm and relaxing piano track with soft melodies",
    "customMode": True,
    "instrumental": False,
    "model": "V5_5",
    "style": "Classical",
    "title": "Peaceful Piano Meditation",
    **OPTIONS,
}


@pytest.mark.parametrize(("model", "body"), [("suno-extend", EXTEND), ("suno-cover", COVER)])
def test_the_optional_fields_are_sent_as_typed(
    model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = printed_body(model, body, capsys)
    assert same(printed, expected(model, body)), printed


def test_an_extend_with_the_source_parameters_sends_none_of_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = {"defaultParamFlag": False, "audioId": "e231", "model": "V5"}
    printed = printed_body("suno-extend", body, capsys)
    assert printed == body


def _refused(model: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["try", model, *args, "--dry-run", "--json", "--lang", "en"])
    captured = capsys.readouterr()
    assert code != 0, captured.out
    assert captured.out == ""
    return captured.err


def test_a_persona_type_with_v4_is_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _refused(
        "suno-extend",
        [
            "--set=defaultParamFlag=true",
            "--set=audioId=e231",
            "--set=model=V4",
            "--set=prompt=More notes",
            "--set=style=Classical",
            "--set=title=Extended",
            "--set=continueAt=60",
            "--set=personaModel=style_persona",
        ],
        capsys,
    )
    assert "Persona type" in err and "V5" in err


def test_a_vocal_gender_on_an_instrumental_cover_is_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _refused(
        "suno-cover",
        [
            "--set=uploadUrl=https://storage.example.com/upload",
            "--set=model=V5",
            "--set=prompt=Calm piano",
            "--set=customMode=true",
            "--set=instrumental=true",
            "--set=style=Classical",
            "--set=title=Calm",
            "--set=vocalGender=f",
        ],
        capsys,
    )
    assert "Vocal gender" in err and "Instrumental = no" in err


def test_a_weight_outside_zero_to_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(
        "suno-cover",
        [
            "--set=uploadUrl=https://storage.example.com/upload",
            "--set=model=V5",
            "--set=prompt=Calm piano",
            "--set=customMode=true",
            "--set=instrumental=false",
            "--set=style=Classical",
            "--set=title=Calm",
            "--set=styleWeight=1.5",
        ],
        capsys,
    )
    assert "Style weight" in err and "from 0 to 1" in err
