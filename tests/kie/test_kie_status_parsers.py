"""Status parsers for all eight API families, on bodies shaped like KIE's docs (api.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiegram.kie import ApiFamily, TaskState, parse_status
from kiegram.kie.segments import segment_names
from kiegram.kie.status import NO_RESULTS, NOT_AN_OBJECT

# -- Market (recordInfo) --------------------------------------------------------------------

MARKET_SUCCESS = {
    "taskId": "task_12345678",
    "model": "grok-imagine/text-to-image",
    "state": "success",
    "param": '{"model":"grok-imagine/text-to-image","input":{"prompt":"fox"}}',
    "resultJson": '{"resultUrls":["https://tempfile.aiquickdraw.com/out.jpg"]}',
    "failCode": "",
    "failMsg": "",
    "costTime": 15000,
    "completeTime": 1698765432000,
    "createTime": 1698765400000,
    "updateTime": 1698765432000,
    "creditsConsumed": 4,
}


def test_market_success() -> None:
    status = parse_status(ApiFamily.MARKET, MARKET_SUCCESS)
    assert status.task_id == "task_12345678"
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/out.jpg",)
    assert status.result_text is None
    assert status.fail_code is None and status.fail_message is None
    assert status.credits_consumed == 4.0
    assert status.raw is MARKET_SUCCESS


def test_market_text_result_is_json_text() -> None:
    data = {**MARKET_SUCCESS, "resultJson": json.dumps({"resultObject": {"answer": "привет"}})}
    status = parse_status(ApiFamily.MARKET, data)
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ()
    assert status.result_text is not None
    assert json.loads(status.result_text) == {"answer": "привет"}


def test_market_video_with_frames_only() -> None:
    result = {
        "resultUrls": [],
        "firstFrameUrl": ["https://x.example/first.png"],
        "lastFrameUrl": "https://x.example/last.png",
    }
    status = parse_status(ApiFamily.MARKET, {**MARKET_SUCCESS, "resultJson": json.dumps(result)})
    assert status.result_urls == ("https://x.example/first.png", "https://x.example/last.png")


def test_market_video_prefers_result_urls_over_frames() -> None:
    result = {
        "resultUrls": ["https://x.example/v.mp4"],
        "firstFrameUrl": ["https://x.example/first.png"],
    }
    status = parse_status(ApiFamily.MARKET, {**MARKET_SUCCESS, "resultJson": json.dumps(result)})
    assert status.result_urls == ("https://x.example/v.mp4",)


def test_market_fail() -> None:
    data = {
        "taskId": "t1",
        "model": "google/nano-banana",
        "state": "fail",
        "param": "{}",
        "resultJson": None,
        "failCode": "422",
        "failMsg": "Your prompt was flagged by the content policy",
        "creditsConsumed": 0,
    }
    status = parse_status(ApiFamily.MARKET, data)
    assert status.state is TaskState.FAILED
    assert status.fail_code == "422"
    assert status.fail_message == "Your prompt was flagged by the content policy"
    assert status.result_urls == ()
    assert status.credits_consumed == 0.0


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("waiting", TaskState.QUEUED),
        ("queuing", TaskState.QUEUED),
        ("generating", TaskState.RUNNING),
        ("brand-new-state", TaskState.RUNNING),
        (None, TaskState.RUNNING),
    ],
)
def test_market_non_terminal_states(state: str | None, expected: TaskState) -> None:
    status = parse_status(ApiFamily.MARKET, {"taskId": "t1", "state": state, "resultJson": ""})
    assert status.state is expected
    assert not status.state.terminal
    assert status.fail_message is None


def test_market_sora_progress_and_old_credit_name() -> None:
    data = {"taskId": "t", "state": "generating", "progress": 42, "consumeCredits": "12.5"}
    status = parse_status(ApiFamily.MARKET, data)
    assert status.progress == 42
    assert status.credits_consumed == 12.5


@pytest.mark.parametrize(
    "result_json",
    [None, "", "not json", "[1,2]", '{"resultUrls": "nope"}', '{"resultUrls": [3, null]}'],
)
def test_market_success_without_usable_results_fails_with_protocol_message(
    result_json: Any,
) -> None:
    status = parse_status(
        ApiFamily.MARKET, {"taskId": "t", "state": "success", "resultJson": result_json}
    )
    assert status.state is TaskState.FAILED
    assert status.fail_message == NO_RESULTS


def test_market_fail_without_message_still_explains() -> None:
    status = parse_status(ApiFamily.MARKET, {"taskId": "t", "state": "fail", "failMsg": ""})
    assert status.state is TaskState.FAILED
    assert status.fail_message


def test_market_fail_reads_message_fallback() -> None:
    status = parse_status(ApiFamily.MARKET, {"taskId": "t", "state": "fail", "message": "boom"})
    assert status.fail_message == "boom"


@pytest.mark.parametrize("family", list(ApiFamily))
@pytest.mark.parametrize("data", [None, [], "text", 5])
def test_non_object_data_fails_with_protocol_message(family: ApiFamily, data: Any) -> None:
    status = parse_status(family, data)
    assert status.state is TaskState.FAILED
    assert status.fail_message == NOT_AN_OBJECT


@pytest.mark.parametrize("family", list(ApiFamily))
def test_empty_object_stays_running(family: ApiFamily) -> None:
    status = parse_status(family, {})
    assert status.state is TaskState.RUNNING
    assert status.task_id == ""


# -- Veo -----------------------------------------------------------------------------------


def veo(flag: Any, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "veo_task_1",
        "paramJson": '{"prompt":"a cat"}',
        "completeTime": "2025-06-01 10:00:00",
        "response": {
            "taskId": "veo_task_1",
            "resultUrls": ["https://tempfile.aiquickdraw.com/v.mp4"],
            "originUrls": [],
            "resolution": "1080p",
        },
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": "",
        "createTime": "2025-06-01 09:58:00",
        "fallbackFlag": False,
        **extra,
    }


def test_veo_success() -> None:
    status = parse_status(ApiFamily.VEO, veo(1))
    assert status.state is TaskState.SUCCEEDED
    assert status.task_id == "veo_task_1"
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/v.mp4",)


@pytest.mark.parametrize("flag", [2, 3, "3"])
def test_veo_failed(flag: Any) -> None:
    data = veo(flag, errorCode=400, errorMessage="English prompts only", response=None)
    status = parse_status(ApiFamily.VEO, data)
    assert status.state is TaskState.FAILED
    assert status.fail_code == "400"
    assert status.fail_message == "English prompts only"


@pytest.mark.parametrize("flag", [0, None, "weird", 7])
def test_veo_running_or_unknown(flag: Any) -> None:
    assert parse_status(ApiFamily.VEO, veo(flag, response=None)).state is TaskState.RUNNING


# -- Runway --------------------------------------------------------------------------------


def runway(state: str, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "rw_1",
        "parentTaskId": "",
        "generateParam": {"prompt": "waves", "imageUrl": "", "expandPrompt": True},
        "state": state,
        "generateTime": "2025-06-01 10:00:00",
        "videoInfo": {
            "videoId": "v1",
            "taskId": "rw_1",
            "videoUrl": "https://file.example/rw.mp4",
            "imageUrl": "https://file.example/cover.jpg",
        },
        "failCode": None,
        "failMsg": "",
        "expireFlag": 0,
        **extra,
    }


def test_runway_success_returns_video_not_cover() -> None:
    status = parse_status(ApiFamily.RUNWAY, runway("success"))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://file.example/rw.mp4",)


def test_runway_fail() -> None:
    data = runway("fail", videoInfo=None, failCode=400, failMsg="Inappropriate content")
    status = parse_status(ApiFamily.RUNWAY, data)
    assert status.state is TaskState.FAILED
    assert (status.fail_code, status.fail_message) == ("400", "Inappropriate content")


@pytest.mark.parametrize(
    ("state", "expected"),
    [("wait", TaskState.QUEUED), ("queueing", TaskState.QUEUED), ("generating", TaskState.RUNNING)],
)
def test_runway_running(state: str, expected: TaskState) -> None:
    assert parse_status(ApiFamily.RUNWAY, runway(state, videoInfo=None)).state is expected


def test_runway_success_with_odd_video_info_fails_cleanly() -> None:
    status = parse_status(ApiFamily.RUNWAY, runway("success", videoInfo="garbage"))
    assert status.state is TaskState.FAILED
    assert status.fail_message == NO_RESULTS


# -- Luma ----------------------------------------------------------------------------------


def luma(flag: Any, urls: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "luma_1",
        "paramJson": "{}",
        "response": {
            "taskId": "luma_1",
            "originUrls": ["https://file.example/in.mp4"],
            "resultUrls": urls if urls is not None else ["https://file.example/out.mp4"],
        },
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": None,
        **extra,
    }


@pytest.mark.parametrize("flag", [1, 4])
def test_luma_success_including_callback_failed(flag: int) -> None:
    status = parse_status(ApiFamily.LUMA, luma(flag))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://file.example/out.mp4",)


def test_luma_flag_4_without_results_is_a_failure() -> None:
    status = parse_status(ApiFamily.LUMA, luma(4, urls=[]))
    assert status.state is TaskState.FAILED


def test_luma_failed_and_running() -> None:
    failed = parse_status(ApiFamily.LUMA, luma(3, urls=[], errorCode=500, errorMessage="oops"))
    assert (failed.state, failed.fail_code, failed.fail_message) == (
        TaskState.FAILED,
        "500",
        "oops",
    )
    assert parse_status(ApiFamily.LUMA, luma(0, urls=[])).state is TaskState.RUNNING


# -- Suno ----------------------------------------------------------------------------------


def suno(status: str, tracks: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "suno_1",
        "parentMusicId": "",
        "param": "{}",
        "response": {"taskId": "suno_1", "sunoData": tracks if tracks is not None else []},
        "status": status,
        "type": "chirp-v4",
        "operationType": "generate",
        "errorCode": None,
        "errorMessage": None,
        **extra,
    }


TRACKS = [
    {
        "id": "a",
        "audioUrl": "https://file.example/a.mp3",
        "streamAudioUrl": "https://stream.example/a",
        "imageUrl": "https://file.example/a.jpg",
        "title": "A",
        "duration": 198.44,
    },
    {"id": "b", "audioUrl": "https://file.example/b.mp3", "title": "B"},
]


def test_suno_success_returns_every_track() -> None:
    status = parse_status(ApiFamily.SUNO, suno("SUCCESS", TRACKS))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://file.example/a.mp3", "https://file.example/b.mp3")


def test_suno_track_lengths_are_kept_only_when_every_track_has_one() -> None:
    both = [TRACKS[0], {**TRACKS[1], "duration": "61.5"}]
    status = parse_status(ApiFamily.SUNO, suno("SUCCESS", both))
    assert status.result_seconds == (198.44, 61.5)
    assert parse_status(ApiFamily.SUNO, suno("SUCCESS", TRACKS)).result_seconds == ()


@pytest.mark.parametrize("name", ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"])
def test_suno_intermediate_states_are_running(name: str) -> None:
    partial = [{"id": "a", "audioUrl": "", "streamAudioUrl": "https://stream.example/a"}]
    assert parse_status(ApiFamily.SUNO, suno(name, partial)).state is TaskState.RUNNING


@pytest.mark.parametrize(
    "name",
    ["CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "CALLBACK_EXCEPTION", "SENSITIVE_WORD_ERROR"],
)
def test_suno_failed_states(name: str) -> None:
    data = suno(name, errorCode=400, errorMessage="Sensitive word detected")
    status = parse_status(ApiFamily.SUNO, data)
    assert status.state is TaskState.FAILED
    assert status.fail_message == "Sensitive word detected"


def test_suno_odd_tracks_are_skipped() -> None:
    tracks = ["junk", None, {"audioUrl": 5}, {"audioUrl": "https://file.example/ok.mp3"}]
    status = parse_status(ApiFamily.SUNO, suno("SUCCESS", tracks))
    assert status.result_urls == ("https://file.example/ok.mp3",)


# -- Midjourney ----------------------------------------------------------------------------


def mj(flag: Any, result_info: Any, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "mj_1",
        "taskType": "mj_txt2img",
        "paramJson": "{}",
        "resultInfoJson": result_info,
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": "",
        **extra,
    }


def test_midjourney_success() -> None:
    info = {"resultUrls": [{"resultUrl": f"https://cdn.example/{i}.png"} for i in range(4)]}
    status = parse_status(ApiFamily.MIDJOURNEY, mj(1, info))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == tuple(f"https://cdn.example/{i}.png" for i in range(4))


def test_midjourney_result_info_as_json_string() -> None:
    info = json.dumps({"resultUrls": [{"resultUrl": "https://cdn.example/0.png"}]})
    assert parse_status(ApiFamily.MIDJOURNEY, mj(1, info)).result_urls == (
        "https://cdn.example/0.png",
    )


def test_midjourney_failed() -> None:
    status = parse_status(ApiFamily.MIDJOURNEY, mj(3, None, errorCode=500, errorMessage="busy"))
    assert (status.state, status.fail_code, status.fail_message) == (
        TaskState.FAILED,
        "500",
        "busy",
    )


# -- 4o Image ------------------------------------------------------------------------------


def gpt4o(**fields: Any) -> dict[str, Any]:
    return {
        "taskId": "4o_1",
        "paramJson": "{}",
        "response": {"resultUrls": ["https://file.example/4o.png"]},
        "errorCode": None,
        "errorMessage": None,
        **fields,
    }


def test_gpt4o_success_by_status() -> None:
    status = parse_status(
        ApiFamily.GPT4O_IMAGE, gpt4o(status="SUCCESS", successFlag=1, progress="1.00")
    )
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://file.example/4o.png",)
    assert status.progress == 100


def test_gpt4o_status_wins_over_flag() -> None:
    data = gpt4o(status="GENERATING", successFlag=1, progress="0.37", response=None)
    status = parse_status(ApiFamily.GPT4O_IMAGE, data)
    assert status.state is TaskState.RUNNING
    assert status.progress == 37


def test_gpt4o_falls_back_to_flag() -> None:
    assert parse_status(ApiFamily.GPT4O_IMAGE, gpt4o(successFlag=1)).state is TaskState.SUCCEEDED


@pytest.mark.parametrize("name", ["CREATE_TASK_FAILED", "GENERATE_FAILED"])
def test_gpt4o_failed(name: str) -> None:
    data = gpt4o(
        status=name, successFlag=2, errorCode=451, errorMessage="Failed to fetch the image"
    )
    status = parse_status(ApiFamily.GPT4O_IMAGE, data)
    assert (status.state, status.fail_code) == (TaskState.FAILED, "451")


# -- Flux Kontext --------------------------------------------------------------------------


def flux(flag: Any, **extra: Any) -> dict[str, Any]:
    return {
        "taskId": "flux_1",
        "paramJson": "{}",
        "response": {
            "originImageUrl": "https://origin.example/o.png",
            "resultImageUrl": "https://file.example/flux.png",
        },
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": None,
        **extra,
    }


def test_flux_success_uses_result_not_origin() -> None:
    status = parse_status(ApiFamily.FLUX_KONTEXT, flux(1))
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://file.example/flux.png",)


def test_flux_failed_and_running() -> None:
    failed = parse_status(
        ApiFamily.FLUX_KONTEXT, flux(2, response=None, errorCode=501, errorMessage="x")
    )
    assert (failed.state, failed.fail_code) == (TaskState.FAILED, "501")
    assert parse_status(ApiFamily.FLUX_KONTEXT, flux(0, response={})).state is TaskState.RUNNING


def test_flux_success_without_image_is_failure() -> None:
    status = parse_status(ApiFamily.FLUX_KONTEXT, flux(1, response={"resultImageUrl": ""}))
    assert status.state is TaskState.FAILED
    assert status.fail_message == NO_RESULTS


def test_market_masks_in_the_result_object_are_results() -> None:
    # omnihuman-1-5/subject-detection lists its masks in resultObject, not resultUrls.
    masks = ["https://x.example/mask-1.png", "https://x.example/mask-2.png"]
    result = {"resultObject": {"mask_urls": masks}}
    status = parse_status(ApiFamily.MARKET, {**MARKET_SUCCESS, "resultJson": json.dumps(result)})
    assert status.result_urls == tuple(masks)


def test_a_segment_map_gives_its_masks_as_results_and_their_indexes_as_ids() -> None:
    # grok-imagine-image-2-0/segment-map: one mask per region in resultObject.segments.
    regions = [
        {"index": 0, "name": "background", "maskUrl": "https://x.example/m0.png"},
        {"index": 2, "name": "white cat", "maskUrl": "https://x.example/m2.png"},
        {"index": "3", "name": "not an index", "maskUrl": "https://x.example/m3.png"},
    ]
    result = {"resultObject": {"segments_count": 3, "segments": regions}}
    status = parse_status(ApiFamily.MARKET, {**MARKET_SUCCESS, "resultJson": json.dumps(result)})
    assert status.result_urls == ("https://x.example/m0.png", "https://x.example/m2.png")
    assert status.result_ids == ("0", "2")
    assert segment_names(status.result_text) == ("background", "white cat")


def test_a_result_object_without_segments_has_no_ids() -> None:
    result = {"resultObject": {"mask_urls": ["https://x.example/mask-1.png"]}}
    status = parse_status(ApiFamily.MARKET, {**MARKET_SUCCESS, "resultJson": json.dumps(result)})
    assert status.result_ids == () and segment_names(status.result_text) == ()


# -- Suno cover art (suno/cover/record-info) -----------------------------------------------


def test_suno_cover_art_as_the_page_answers_it() -> None:
    from kiegram.kie.followup_status import parse_suno_cover

    images = [
        "https://tempfile.aiquickdraw.com/s/1753958521_6c1b3015141849d1a9bf17b738ce9347.png",
        "https://tempfile.aiquickdraw.com/s/1753958524_c153143acc6340908431cf0e90cbce9e.png",
    ]
    data = {
        "taskId": "21aee3c3c2a01fa5e030b3799fa4dd56",
        "parentTaskId": "73d6128b3523a0079df10da9471017c8",
        "response": {"images": images},
        "successFlag": 1,
        "errorCode": 200,
        "errorMessage": "",
    }
    done = parse_suno_cover(data)
    assert done.state is TaskState.SUCCEEDED and done.result_urls == tuple(images)
    waiting = parse_suno_cover({**data, "successFlag": 2, "response": None})
    assert waiting.state is TaskState.RUNNING
    failed = parse_suno_cover({**data, "successFlag": "GENERATE_COVER_FAILED", "errorCode": 501})
    assert failed.state is TaskState.FAILED and failed.fail_code == "501"
