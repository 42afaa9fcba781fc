"""Callback parsers for every family, on bodies shaped like KIE's docs (api.md §2 and §6)."""

from __future__ import annotations

from typing import Any

import pytest

from kiegram.kie import ApiFamily, TaskState, callback_task_id, parse_callback
from kiegram.kie.status import NO_RESULTS

MARKET_OK = {
    "code": 200,
    "msg": "Playground task completed successfully.",
    "data": {
        "taskId": "bd8f",
        "model": "wan/3-0-video-prime",
        "state": "success",
        "param": '{"model":"wan/3-0-video-prime"}',
        "resultJson": '{"resultUrls":["https://tempfile.aiquickdraw.com/v.mp4"]}',
        "costTime": 89,
        "completeTime": 1787567409000,
        "createTime": 1787567320000,
        "updateTime": 1787567409000,
        "creditsConsumed": 61,
    },
}

MARKET_FAIL = {
    "code": 501,
    "msg": "Playground task failed.",
    "data": {
        "taskId": "bd9f",
        "model": "wan/3-0-video-prime",
        "state": "fail",
        "param": "{}",
        "failCode": "500",
        "failMsg": "Internal error",
        "creditsConsumed": 0,
    },
}


def test_market_callback_success() -> None:
    status = parse_callback(ApiFamily.MARKET, MARKET_OK)
    assert status.task_id == "bd8f"
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/v.mp4",)
    assert status.credits_consumed == 61.0
    assert status.raw is MARKET_OK


def test_market_callback_failure() -> None:
    status = parse_callback(ApiFamily.MARKET, MARKET_FAIL)
    assert status.state is TaskState.FAILED
    assert (status.fail_code, status.fail_message) == ("500", "Internal error")
    assert status.credits_consumed == 0.0


def test_market_callback_failure_without_fail_msg_uses_body_msg() -> None:
    body = {**MARKET_FAIL, "data": {**MARKET_FAIL["data"], "failMsg": ""}}  # type: ignore[dict-item]
    assert parse_callback(ApiFamily.MARKET, body).fail_message == "Playground task failed."


def test_market_callback_code_501_without_state_is_failed() -> None:
    body = {"code": 501, "msg": "Playground task failed.", "data": {"taskId": "t"}}
    status = parse_callback(ApiFamily.MARKET, body)
    assert (status.state, status.fail_code) == (TaskState.FAILED, "501")
    assert status.fail_message == "Playground task failed."


def test_veo_callback_success_and_4k_variant() -> None:
    body = {
        "code": 200,
        "msg": "Veo3.1 video generated successfully.",
        "data": {
            "taskId": "veo_1",
            "info": {
                "resultUrls": ["https://f.example/v.mp4"],
                "originUrls": [],
                "resolution": "1080p",
            },
            "fallbackFlag": False,
        },
    }
    status = parse_callback(ApiFamily.VEO, body)
    assert (status.task_id, status.state) == ("veo_1", TaskState.SUCCEEDED)
    assert status.result_urls == ("https://f.example/v.mp4",)

    four_k = {
        "code": 200,
        "msg": "ok",
        "data": {"task_id": "veo_2", "result_urls": ["https://f.example/4k.mp4"]},
    }
    status = parse_callback(ApiFamily.VEO, four_k)
    assert (status.task_id, status.result_urls) == ("veo_2", ("https://f.example/4k.mp4",))


def test_veo_callback_failure() -> None:
    body = {"code": 400, "msg": "English prompts only", "data": {"taskId": "veo_3", "info": None}}
    status = parse_callback(ApiFamily.VEO, body)
    assert status.state is TaskState.FAILED
    assert (status.fail_code, status.fail_message) == ("400", "English prompts only")


def test_runway_callback_uses_snake_case_task_id() -> None:
    body = {
        "code": 200,
        "msg": "All generated successfully.",
        "data": {
            "task_id": "rw_9",
            "video_id": "v9",
            "video_url": "https://f.example/rw.mp4",
            "image_url": "https://f.example/cover.jpg",
        },
    }
    status = parse_callback(ApiFamily.RUNWAY, body)
    assert status.task_id == "rw_9"
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://f.example/rw.mp4",)


def test_runway_callback_failure() -> None:
    body = {"code": 400, "msg": "NSFW content", "data": {"task_id": "rw_9", "video_url": ""}}
    status = parse_callback(ApiFamily.RUNWAY, body)
    assert (status.state, status.fail_message) == (TaskState.FAILED, "NSFW content")


def test_luma_callback() -> None:
    ok = {
        "code": 200,
        "msg": "Modify record generated successfully.",
        "data": {"taskId": "l1", "promptJson": "{}", "resultUrls": ["https://f.example/l.mp4"]},
    }
    assert parse_callback(ApiFamily.LUMA, ok).result_urls == ("https://f.example/l.mp4",)
    failed = {"code": 500, "msg": "failed", "data": {"taskId": "l1", "resultUrls": None}}
    assert parse_callback(ApiFamily.LUMA, failed).state is TaskState.FAILED


def suno_body(kind: str, code: int = 200) -> dict[str, Any]:
    tracks = [
        {
            "id": "a",
            "audio_url": "https://f.example/a.mp3" if kind == "complete" else "",
            "stream_audio_url": "https://stream.example/a",
            "image_url": "https://f.example/a.jpg",
            "title": "A",
            "duration": 198.44,
        }
    ]
    return {
        "code": code,
        "msg": "All generated successfully." if code == 200 else "Generation failed",
        "data": {"callbackType": kind, "task_id": "suno_7", "data": tracks},
    }


@pytest.mark.parametrize("kind", ["text", "first"])
def test_suno_stage_callbacks_are_not_terminal(kind: str) -> None:
    status = parse_callback(ApiFamily.SUNO, suno_body(kind))
    assert status.task_id == "suno_7"
    assert status.state is TaskState.RUNNING
    assert not status.state.terminal


def test_suno_complete_callback_is_terminal() -> None:
    status = parse_callback(ApiFamily.SUNO, suno_body("complete"))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://f.example/a.mp3",)


def test_suno_error_callback_fails_even_on_a_stage() -> None:
    status = parse_callback(ApiFamily.SUNO, suno_body("first", code=400))
    assert (status.state, status.fail_code) == (TaskState.FAILED, "400")


def test_midjourney_callback() -> None:
    ok = {
        "code": 200,
        "msg": "success",
        "data": {
            "taskId": "mj1",
            "promptJson": "{}",
            "resultUrls": ["https://cdn.example/1.png", "https://cdn.example/2.png"],
        },
    }
    assert parse_callback(ApiFamily.MIDJOURNEY, ok).result_urls == (
        "https://cdn.example/1.png",
        "https://cdn.example/2.png",
    )
    failed = {"code": 500, "msg": "failed", "data": {"taskId": "mj1", "resultUrls": []}}
    assert parse_callback(ApiFamily.MIDJOURNEY, failed).state is TaskState.FAILED


def test_gpt4o_callback() -> None:
    ok = {
        "code": 200,
        "msg": "success",
        "data": {"taskId": "4o", "info": {"result_urls": ["https://f.example/4o.png"]}},
    }
    assert parse_callback(ApiFamily.GPT4O_IMAGE, ok).result_urls == ("https://f.example/4o.png",)
    failed = {
        "code": 451,
        "msg": "Failed to fetch the image",
        "data": {"taskId": "4o", "info": None},
    }
    assert parse_callback(ApiFamily.GPT4O_IMAGE, failed).fail_code == "451"


def test_flux_callback() -> None:
    ok = {
        "code": 200,
        "msg": "success",
        "data": {
            "taskId": "fx",
            "info": {
                "originImageUrl": "https://o.example/o.png",
                "resultImageUrl": "https://f.example/fx.png",
            },
        },
    }
    assert parse_callback(ApiFamily.FLUX_KONTEXT, ok).result_urls == ("https://f.example/fx.png",)


@pytest.mark.parametrize("family", [f for f in ApiFamily if f is not ApiFamily.MARKET])
def test_success_code_without_results_is_a_protocol_failure(family: ApiFamily) -> None:
    body = {"code": 200, "msg": "success", "data": {"taskId": "x", "callbackType": "complete"}}
    status = parse_callback(family, body)
    assert status.state is TaskState.FAILED
    assert status.fail_message == NO_RESULTS


@pytest.mark.parametrize("family", list(ApiFamily))
@pytest.mark.parametrize("body", [None, [], "x", {}, {"data": "junk"}, {"code": "??", "data": []}])
def test_odd_bodies_never_crash(family: ApiFamily, body: Any) -> None:
    status = parse_callback(family, body)
    assert status.state in (TaskState.FAILED, TaskState.RUNNING)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"data": {"taskId": "a"}}, "a"),
        ({"data": {"task_id": "b"}}, "b"),
        ({"taskId": "c", "data": None}, "c"),
        ({"data": {"taskId": "", "task_id": "d"}}, "d"),
        ({"data": {}}, None),
        ({}, None),
        ("not a mapping", None),
    ],
)
def test_callback_task_id(body: Any, expected: str | None) -> None:
    assert callback_task_id(body) == expected
