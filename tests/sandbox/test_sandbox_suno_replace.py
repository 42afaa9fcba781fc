"""The sandbox refuses a Suno section beyond its parent track or over half of it, as KIE's
replace-section page says KIE does (the chat never sends one: the wizard refuses it first)."""

from __future__ import annotations

import time

import pytest

from kiegram.catalog import ApiFamily, load_catalog
from kiegram.sandbox.followups import parent_problem
from kiegram.sandbox.tasks import TRACK_SECONDS, SandboxTask

SPEC = load_catalog().get("suno-replace-section")


def tasks() -> dict[str, SandboxTask]:
    song = SandboxTask(
        task_id="song",
        family=ApiFamily.SUNO,
        model="suno",
        request={"instrumental": False},
        output="audio",
        created=time.monotonic() - 10,
        delay=0,
        result_urls=["https://sandbox.example/a.mp3", "https://sandbox.example/b.mp3"],
    )
    return {"song": song}


def body(start: float, end: float) -> dict[str, object]:
    return {"taskId": "song", "audioId": "song-1", "infillStartS": start, "infillEndS": end}


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (30, 45.25, None),
        (90, TRACK_SECONDS + 5, "infillEndS is beyond the track's 100 s"),
        (10, 10 + TRACK_SECONDS / 2 + 1, "the section exceeds 50% of the track"),
    ],
)
def test_a_section_must_lie_within_half_of_its_track(
    start: float, end: float, problem: str | None
) -> None:
    assert SPEC is not None
    assert parent_problem(tasks(), SPEC, body(start, end)) == problem
