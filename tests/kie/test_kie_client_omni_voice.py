"""KieClient at Gemini Omni's voice endpoint (httpx.MockTransport): the flat body the page
documents, answered at once with data.audioId, read as the voice's one item id."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from kiegram.kie import ApiFamily, KieClient, TaskState
from kiegram.kie.endpoint import Endpoint
from kiegram.kie.followup_status import parse_omni_audio
from kiegram.kie.retry import RetryPolicy

VOICE = Endpoint("/api/v1/omni/audio/create", repeat=True, once=True, result="omni-audio")
BODY = {"audio_id": "kore", "name": "Narrator", "voice_description": "warm and calm"}


async def test_a_voice_is_posted_flat_and_its_audio_id_is_the_result() -> None:
    requests: list[httpx.Request] = []

    def reply(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        data = {"audioId": f"audio_{len(requests)}", "name": "Narrator"}
        return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})

    async def no_sleep(_delay: float) -> None:
        return None

    once = RetryPolicy(attempts=1)
    kie = KieClient(
        "sk-omni-0123456789",
        transport=httpx.MockTransport(reply),
        sleep=no_sleep,
        rng=random.Random(1),
        create_policy=once,
        read_policy=once,
    )
    async with kie:
        task = await kie.create_task(ApiFamily.MARKET, "gemini-omni-audio", BODY, None, VOICE)
        status = await kie.get_status(ApiFamily.MARKET, task, VOICE, BODY)
    assert task.startswith("repeat-")
    assert len(requests) == 1  # one voice registered: the create sent nothing
    for request in requests:
        assert (request.method, request.url.path) == ("POST", "/api/v1/omni/audio/create")
        assert json.loads(request.content) == BODY  # flat: no {"model", "input"} around it
    assert status.state is TaskState.SUCCEEDED and status.task_id == task
    assert status.result_ids == ("audio_1",) and status.result_text == "Narrator · audio_1"


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        ({"audioId": "a1", "name": "N"}, ("a1",)),
        ({"kieAudioId": "a2"}, ("a2",)),  # as some integrations read it
        ({"name": "N"}, ()),
    ],
)
def test_the_voice_reply_is_read_by_its_id(data: dict[str, str], ids: tuple[str, ...]) -> None:
    status = parse_omni_audio(data)
    assert status.result_ids == ids
    assert status.state is (TaskState.SUCCEEDED if ids else TaskState.FAILED)
