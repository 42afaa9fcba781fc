"""KieClient at a follow-up's own endpoint (httpx.MockTransport): paths, bodies, repeats."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import httpx
import pytest

from kiegram.kie import ApiFamily, KieClient, KieInvalidInput, TaskState
from kiegram.kie.endpoint import Endpoint
from kiegram.kie.retry import RetryPolicy

KEY = "sk-followups-0123456789"
ONCE = RetryPolicy(attempts=1)
UPSCALE = Endpoint("/api/v1/mj/generateUpscale")
WAV = Endpoint("/api/v1/wav/generate", status_path="/api/v1/wav/record-info", result="suno-wav")
HD = Endpoint("/api/v1/veo/get-1080p-video", method="GET", repeat=True, result="veo-1080p")
UHD = Endpoint("/api/v1/veo/get-4k-video", repeat=True, result="veo-4k")


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})


def refusal(code: int, msg: str) -> httpx.Response:
    return httpx.Response(200, json={"code": code, "msg": msg, "data": None})


class Script:
    """Replays replies in order (the last one repeats) and records the requests."""

    def __init__(self, *replies: httpx.Response) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def client() -> Callable[[Script], KieClient]:
    async def no_sleep(_delay: float) -> None:
        return None

    def factory(script: Script) -> KieClient:
        return KieClient(
            KEY,
            transport=httpx.MockTransport(script),
            sleep=no_sleep,
            rng=random.Random(1),
            create_policy=ONCE,
            read_policy=ONCE,
        )

    return factory


async def test_an_upscale_is_created_at_its_path_and_read_at_the_familys(
    client: Callable[[Script], KieClient],
) -> None:
    script = Script(
        ok({"taskId": "mj_upscale_1"}),
        ok(
            {
                "taskId": "mj_upscale_1",
                "successFlag": 1,
                "resultInfoJson": {"resultUrls": [{"resultUrl": "https://cdn.example/u.png"}]},
            }
        ),
    )
    async with client(script) as kie:
        body = {"taskId": "grid_1", "imageIndex": 1}
        task = await kie.create_task(ApiFamily.MIDJOURNEY, None, body, "https://bot/cb", UPSCALE)
        status = await kie.get_status(ApiFamily.MIDJOURNEY, task, UPSCALE)
    create, read = script.requests
    assert (create.method, create.url.path) == ("POST", "/api/v1/mj/generateUpscale")
    assert json.loads(create.content) == {**body, "callBackUrl": "https://bot/cb"}
    assert read.url.path == "/api/v1/mj/record-info" and read.url.params["taskId"] == task
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://cdn.example/u.png",)


async def test_a_wav_is_read_at_its_own_record_info(client: Callable[[Script], KieClient]) -> None:
    script = Script(
        ok({"taskId": "wav_1"}),
        ok({"taskId": "wav_1", "successFlag": "PENDING", "response": None}),
        ok(
            {
                "taskId": "wav_1",
                "successFlag": "SUCCESS",
                "response": {"audioWavUrl": "https://cdn.example/a.wav"},
            }
        ),
    )
    async with client(script) as kie:
        task = await kie.create_task(
            ApiFamily.SUNO, None, {"taskId": "t", "audioId": "a"}, None, WAV
        )
        first = await kie.get_status(ApiFamily.SUNO, task, WAV)
        second = await kie.get_status(ApiFamily.SUNO, task, WAV)
    assert script.requests[0].url.path == "/api/v1/wav/generate"
    assert script.requests[1].url.path == "/api/v1/wav/record-info"
    assert first.state is TaskState.RUNNING
    assert second.state is TaskState.SUCCEEDED
    assert second.result_urls == ("https://cdn.example/a.wav",)


async def test_1080p_is_asked_again_until_it_answers_with_the_video(
    client: Callable[[Script], KieClient],
) -> None:
    script = Script(
        refusal(422, "The 1080P video is still processing, please try again later"),
        refusal(422, "The 1080P video is still processing, please try again later"),
        ok({"resultUrl": "https://cdn.example/hd.mp4"}),
    )
    payload = {"taskId": "veo_1", "index": 0}
    async with client(script) as kie:
        task = await kie.create_task(ApiFamily.VEO, None, payload, "https://bot/cb", HD)
        waiting = await kie.get_status(ApiFamily.VEO, task, HD, payload)
        done = await kie.get_status(ApiFamily.VEO, task, HD, payload)
    assert task.startswith("repeat-")
    for request in script.requests:
        assert (request.method, request.url.path) == ("GET", "/api/v1/veo/get-1080p-video")
        assert dict(request.url.params) == {"taskId": "veo_1", "index": "0"}
    assert waiting.state is TaskState.RUNNING and waiting.task_id == task
    assert done.state is TaskState.SUCCEEDED and done.result_urls == ("https://cdn.example/hd.mp4",)


async def test_4k_reads_processing_then_the_result_urls(
    client: Callable[[Script], KieClient],
) -> None:
    script = Script(
        ok({"taskId": "veo_1", "resultUrls": None, "imageUrls": None}),
        refusal(422, "4k is processing. It should be ready in 5-10 minutes."),
        ok({"taskId": "veo_1", "resultUrls": ["https://cdn.example/4k.mp4"]}),
    )
    payload = {"taskId": "veo_1", "index": 0}
    async with client(script) as kie:
        task = await kie.create_task(ApiFamily.VEO, None, payload, None, UHD)
        waiting = await kie.get_status(ApiFamily.VEO, task, UHD, payload)
        done = await kie.get_status(ApiFamily.VEO, task, UHD, payload)
    assert all(json.loads(r.content) == payload for r in script.requests)
    assert waiting.state is TaskState.RUNNING
    assert done.result_urls == ("https://cdn.example/4k.mp4",)


async def test_a_repeat_refused_for_another_reason_fails(
    client: Callable[[Script], KieClient],
) -> None:
    payload = {"taskId": "unknown", "index": 0}
    async with client(Script(refusal(422, "The task does not exist"))) as kie:
        with pytest.raises(KieInvalidInput):
            await kie.create_task(ApiFamily.VEO, None, payload, None, HD)
        status = await kie.get_status(ApiFamily.VEO, "repeat-x", HD, payload)
    assert status.state is TaskState.FAILED and "does not exist" in (status.fail_message or "")


async def test_suno_tracks_keep_their_ids(client: Callable[[Script], KieClient]) -> None:
    tracks = [
        {"id": "aud-1", "audioUrl": "https://cdn.example/1.mp3"},
        {"id": "aud-2", "audioUrl": "https://cdn.example/2.mp3"},
    ]
    script = Script(ok({"taskId": "s1", "status": "SUCCESS", "response": {"sunoData": tracks}}))
    async with client(script) as kie:
        status = await kie.get_status(ApiFamily.SUNO, "s1")
    assert status.result_ids == ("aud-1", "aud-2")
    assert len(status.result_urls) == 2
