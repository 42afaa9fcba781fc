"""KieChat: KIE's chat completions request, its answer and its refusals."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kiegram.kie.chat import ChatMessage, KieChat
from kiegram.kie.errors import (
    KieAuthError,
    KieInsufficientCredits,
    KieProtocolError,
    KieServerError,
    KieTransportError,
)

SEEN: list[httpx.Request] = []


def answering(status: int, body: Any) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        SEEN.append(request)
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handler)


def reply(content: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gemini-2.5-flash",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
    }


MESSAGES = [ChatMessage("system", "Rewrite prompts."), ChatMessage("user", "a cat")]


async def test_the_request_and_the_answer() -> None:
    SEEN.clear()
    transport = answering(200, reply("  a ginger cat on a roof at dusk "))
    async with KieChat("k-123", base_url="https://kie.test/", transport=transport) as chat:
        answer = await chat.complete(MESSAGES)
    assert answer.text == "a ginger cat on a roof at dusk"
    assert (answer.prompt_tokens, answer.completion_tokens) == (12, 7)
    (request,) = SEEN
    assert str(request.url) == "https://kie.test/gemini-2.5-flash/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer k-123"
    assert json.loads(request.content) == {
        "messages": [
            {"role": "system", "content": "Rewrite prompts."},
            {"role": "user", "content": "a cat"},
        ],
        "stream": False,
        "include_thoughts": False,
    }


async def test_content_given_as_parts_is_joined() -> None:
    parts = [{"type": "text", "text": "a cat, "}, {"type": "text", "text": "watercolor"}]
    async with KieChat("k", transport=answering(200, reply(parts))) as chat:
        assert (await chat.complete(MESSAGES, model="gemini-3-flash")).text == "a cat, watercolor"
    assert SEEN[-1].url.path == "/gemini-3-flash/v1/chat/completions"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, {"code": 402, "msg": "Credits insufficient"}, KieInsufficientCredits),
        (200, {"code": 401, "msg": "You do not have access permissions"}, KieAuthError),
        (200, {"code": 500, "msg": "Server error"}, KieServerError),
        (502, "<html>bad gateway</html>", KieServerError),
        (200, {"choices": []}, KieProtocolError),
        (200, reply(""), KieProtocolError),
        (401, {"error": {"message": "invalid key"}}, KieAuthError),
    ],
)
async def test_refusals_are_kie_errors(status: int, body: Any, error: type[Exception]) -> None:
    async with KieChat("k", transport=answering(status, body)) as chat:
        with pytest.raises(error):
            await chat.complete(MESSAGES)


async def test_a_network_failure_is_a_transport_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with KieChat("k", transport=httpx.MockTransport(refuse)) as chat:
        with pytest.raises(KieTransportError) as caught:
            await chat.complete(MESSAGES)
    assert caught.value.sent is False
