"""KieClient at Gemini Omni's character endpoint (httpx.MockTransport): the flat body the page
documents, answered at once with data.characterId, read as the character's one item id."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from kiegram.kie import ApiFamily, KieClient, TaskState
from kiegram.kie.endpoint import Endpoint
from kiegram.kie.followup_status import parse_omni_character
from kiegram.kie.retry import RetryPolicy

CHARACTER = Endpoint(
    "/api/v1/omni/character/create", repeat=True, once=True, result="omni-character"
)
BODY = {
    "descriptions": "A red-haired woman in a green coat",
    "image_urls": ["https://x.test/portrait.png"],
    "audio_ids": ["audio_1"],
}


async def test_a_character_is_posted_flat_and_its_id_is_the_result() -> None:
    requests: list[httpx.Request] = []

    def reply(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        data = {
            "characterId": f"char_{len(requests)}",
            "characterName": "Ada",
            "imageUrl": "https://kie.test/cached.png",
        }
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
        task = await kie.create_task(
            ApiFamily.MARKET, "gemini-omni-character", BODY, None, CHARACTER
        )
        status = await kie.get_status(ApiFamily.MARKET, task, CHARACTER, BODY)
    assert task.startswith("repeat-")
    assert len(requests) == 1  # one character registered: the create sent nothing
    (request,) = requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/omni/character/create")
    assert json.loads(request.content) == BODY  # flat: no {"model", "input"} around it
    assert status.state is TaskState.SUCCEEDED and status.task_id == task
    assert status.result_ids == ("char_1",) and status.result_text == "Ada · char_1"


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        ({"characterId": "c1", "characterName": "N"}, ("c1",)),
        ({"character_id": "c2"}, ("c2",)),
        ({"characterName": "N", "imageUrl": "https://x.test/p.png"}, ()),
    ],
)
def test_the_character_reply_is_read_by_its_id(data: dict[str, str], ids: tuple[str, ...]) -> None:
    status = parse_omni_character(data)
    assert status.result_ids == ids
    assert status.state is (TaskState.SUCCEEDED if ids else TaskState.FAILED)
