"""KieChat.stream: the request asks for server-sent events; the answer's pieces, the usage
at the end, and refusals before or in the middle of a stream."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kiegram.kie.chat import ChatMessage, KieChat
from kiegram.kie.chat_stream import ChatChunk
from kiegram.kie.errors import KieInsufficientCredits, KieProtocolError, KieServerError

SSE = {"Content-Type": "text/event-stream"}


def chunk(text: str | None = None, usage: dict[str, int] | None = None) -> str:
    event: dict[str, Any] = {"object": "chat.completion.chunk", "choices": []}
    if text is not None:
        event["choices"] = [{"index": 0, "delta": {"content": text}}]
    if usage is not None:
        event["usage"] = usage
    return f"data: {json.dumps(event)}\n\n"


def serving(body: str, headers: dict[str, str] | None = None, seen: list[Any] | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(json.loads(request.content))
        return httpx.Response(200, text=body, headers=headers or SSE)

    return httpx.MockTransport(handler)


async def pieces(transport: httpx.MockTransport, *messages: ChatMessage) -> list[ChatChunk]:
    async with KieChat("key", base_url="https://kie.test", transport=transport) as chat:
        return [c async for c in chat.stream(list(messages), model="gemini-2.5-flash")]


async def test_pieces_arrive_in_order_and_the_usage_comes_last() -> None:
    seen: list[Any] = []
    body = (
        ": keep-alive\n\n"
        + chunk("Hel")
        + chunk("lo")
        + chunk(usage={"prompt_tokens": 9, "completion_tokens": 2})
        + "data: [DONE]\n\n"
    )
    photo = ChatMessage("user", "What is it?", ("https://files.test/cat.jpg",))
    got = await pieces(serving(body, seen=seen), ChatMessage("system", "Be brief."), photo)
    assert [c.text for c in got] == ["Hel", "lo", ""]
    assert got[-1] == ChatChunk("", 9, 2, done=True)
    sent = seen[0]
    assert sent["stream"] is True and sent["include_thoughts"] is False
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert sent["messages"][1]["content"] == [
        {"type": "text", "text": "What is it?"},
        {"type": "image_url", "image_url": {"url": "https://files.test/cat.jpg"}},
    ]


async def test_a_stream_without_done_or_usage_still_ends() -> None:
    got = await pieces(serving(chunk("a") + chunk("b")), ChatMessage("user", "hi"))
    assert [c.text for c in got] == ["a", "b", ""]
    assert got[-1].done and got[-1].prompt_tokens is None and got[-1].completion_tokens is None


async def test_a_refusal_before_the_stream_raises_kies_error() -> None:
    refusal = json.dumps({"code": 402, "msg": "Credits insufficient"})
    with pytest.raises(KieInsufficientCredits):
        await pieces(
            serving(refusal, {"Content-Type": "application/json"}), ChatMessage("user", "x")
        )


async def test_an_answer_that_is_not_streamed_comes_whole() -> None:
    whole = {
        "choices": [{"message": {"role": "assistant", "content": "All at once"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4},
    }
    body = json.dumps(whole)
    got = await pieces(
        serving(body, {"Content-Type": "application/json"}), ChatMessage("user", "x")
    )
    assert got == [ChatChunk("All at once", 3, 4, done=True)]


async def test_an_error_event_in_the_middle_raises_after_the_pieces_before_it() -> None:
    body = chunk("part") + 'data: {"error": {"message": "upstream", "code": 500}}\n\n'
    got: list[str] = []
    with pytest.raises(KieServerError, match="upstream"):
        async with KieChat("key", base_url="https://kie.test", transport=serving(body)) as chat:
            async for c in chat.stream([ChatMessage("user", "x")]):
                got.append(c.text)
    assert got == ["part"]


async def test_an_event_that_is_not_json_is_a_protocol_error() -> None:
    with pytest.raises(KieProtocolError):
        await pieces(serving("data: {oops\n\n"), ChatMessage("user", "x"))
