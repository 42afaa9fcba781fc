"""Suno's text replies: lyrics takes with titles, aligned words regrouped into timed lines."""

from __future__ import annotations

from kiegram.kie.api_family import ApiFamily
from kiegram.kie.followup_status import parser_for
from kiegram.kie.lyrics_status import NO_LYRICS, PART_BREAK, clock, timed_lines
from kiegram.kie.status import TaskState

# docs.kie.ai/suno-api/get-lyrics-details (the response example, a second take added).
LYRICS = {
    "taskId": "11dc****8b0f",
    "param": '{"prompt":"A song about peaceful night in the city"}',
    "response": {
        "taskId": "11dc****8b0f",
        "data": [
            {
                "text": "[Verse]\nI walk the city's darkest night",
                "title": "Iron Man",
                "status": "complete",
                "errorMessage": "",
            },
            {
                "text": "[Chorus]\nLights go down",
                "title": "",
                "status": "complete",
                "errorMessage": "",
            },
        ],
    },
    "status": "SUCCESS",
    "type": "LYRICS",
    "errorCode": None,
    "errorMessage": None,
}


def test_lyrics_takes_are_joined_with_their_titles_one_part_each() -> None:
    status = parser_for(ApiFamily.SUNO, "suno-lyrics")(LYRICS)
    assert status.state is TaskState.SUCCEEDED and status.task_id == "11dc****8b0f"
    assert status.result_text is not None
    assert status.result_text.split(PART_BREAK) == [
        "🎵 Iron Man\n\n[Verse]\nI walk the city's darkest night",
        "[Chorus]\nLights go down",
    ]


def test_pending_and_failed_lyrics() -> None:
    parse = parser_for(ApiFamily.SUNO, "suno-lyrics")
    pending = parse({**LYRICS, "status": "PENDING", "response": {"data": []}})
    assert pending.state is TaskState.RUNNING and pending.result_text is None
    failed = parse(
        {**LYRICS, "status": "SENSITIVE_WORD_ERROR", "errorCode": 400, "errorMessage": "bad"}
    )
    assert failed.state is TaskState.FAILED and failed.fail_message == "bad"
    assert failed.result_text is None
    # A success without any take is not a success (nobody pays for nothing).
    empty = parse({**LYRICS, "response": {"data": [{"text": " ", "title": "x"}]}})
    assert empty.state is TaskState.FAILED


def test_aligned_words_become_lines_led_by_their_first_words_time() -> None:
    # docs.kie.ai/suno-api/get-timestamped-lyrics: a word may carry the line break.
    words = [
        {"word": "[Verse]\nWaggin'", "success": True, "startS": 1.36, "endS": 1.79},
        {"word": "my", "startS": 1.8},
        {"word": "tail\n", "startS": 2.4},
        {"word": "all", "startS": 61.2},
        {"word": "day\n\n[Chorus]\n", "startS": 62.0},
        {"word": "Woof", "startS": 75.9},
        {"word": 7, "startS": 80.0},  # not a word: left out
    ]
    assert timed_lines(words) == [
        "[Verse]",
        "0:01  Waggin' my tail",
        "1:01  all day",
        "[Chorus]",
        "1:15  Woof",
    ]
    assert clock(0) == "0:00" and clock(599.9) == "9:59" and clock(-3) == "0:00"


def test_timestamped_lyrics_parse_and_an_instrumental_fails_with_the_reason() -> None:
    parse = parser_for(ApiFamily.SUNO, "suno-timestamps")
    ok = parse({"alignedWords": [{"word": "Hey\n", "startS": 3.0}], "hootCer": 0.38})
    assert ok.state is TaskState.SUCCEEDED and ok.result_text == "0:03  Hey"
    none = parse({"alignedWords": [], "waveformData": [], "isStreamed": False})
    assert none.state is TaskState.FAILED and none.fail_message == NO_LYRICS
    assert parse([]).state is TaskState.FAILED  # type: ignore[arg-type]
