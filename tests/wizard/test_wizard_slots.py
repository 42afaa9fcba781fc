"""Places several file inputs share (`slots`): Gemini Omni takes 7 references, and a source
video takes two of them. Too many are refused on the confirm (Confirm hidden), by
`kiegram try`, and by the sandbox, each saying why."""

from __future__ import annotations

from typing import Any

import pytest

from kiegram.bot.prefill import state_at
from kiegram.catalog import load_catalog
from kiegram.cli.main import main
from kiegram.sandbox.validate import validate_input
from kiegram.wizard import Action, Wizard

CATALOG = load_catalog()
SPEC = CATALOG.get("gemini-omni-video")
VIDEO = {"url": "https://e.com/v.mp4", "start": 0, "ends": 5}


def _values(images: int, video: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "prompt": "a city at night",
        "duration": "4",
        "image_urls": [f"https://e.com/{n}.png" for n in range(images)],
    }
    if video:
        values["video_list"] = [dict(VIDEO)]
    return values


@pytest.mark.parametrize(
    ("images", "video", "used"), [(7, False, 7), (5, True, 7), (6, True, 8), (3, False, 3)]
)
def test_a_source_video_takes_two_places(images: int, video: bool, used: int) -> None:
    assert SPEC is not None and SPEC.slots is not None
    assert SPEC.slots.used(_values(images, video)) == used


def test_the_confirm_says_too_many_and_offers_no_confirm() -> None:
    assert SPEC is not None
    wizard = Wizard(CATALOG)
    view = wizard.view(state_at(SPEC, _values(6, True), None))
    assert view.text.key == "omni.err_slots"
    assert view.text.values["used"] == 8 and view.text.values["limit"] == 7
    assert view.text.values["cost"] == 2  # the source video's places are named
    assert not [b for row in view.rows for b in row if b.action is Action.CONFIRM]
    fits = wizard.view(state_at(SPEC, _values(5, True), None))
    assert fits.text.key != "omni.err_slots"
    assert [b for row in fits.rows for b in row if b.action is Action.CONFIRM]


def test_try_refuses_too_many_references(capsys: pytest.CaptureFixture[str]) -> None:
    images = [f"--file=image_urls=https://e.com/{n}.png" for n in range(6)]
    video = '--set=video_list=[{"url": "https://e.com/v.mp4", "start": 0, "ends": 5}]'
    args = ["--set=prompt=city", "--set=duration=4", *images, video, "--lang", "en"]
    code = main(["try", "gemini-omni-video", *args, "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "they take 8 of 7 places" in err and "takes 2" in err


def test_the_sandbox_refuses_what_the_bot_refuses() -> None:
    assert SPEC is not None
    assert validate_input(SPEC, _values(5, True)) is None
    problem = validate_input(SPEC, _values(6, True))
    assert problem is not None and "8 of 7 places" in problem
