"""KIE's chat answers as server-sent events (``stream: true``).

Each event is a line ``data: {json}``: a ``chat.completion.chunk`` whose
``choices[0].delta.content`` is the next piece of the answer; the last chunk (or one with no
choices) may carry ``usage`` (``prompt_tokens``, ``completion_tokens``); ``data: [DONE]`` ends
the stream. A refusal comes as a plain JSON reply instead (KIE's ``{code, msg}`` envelope,
401/402/422/500), or as an event with ``error`` or ``code`` in the middle of a stream.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.chat_reply import content_text, non_json, parse_reply
from kiegram.kie.errors import KieProtocolError, KieTransportError, error_from_envelope

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
DONE = "[DONE]"


@dataclass(frozen=True, slots=True)
class ChatChunk:
    """A piece of the answer (``text``, may be empty) and, on the last one, the tokens KIE
    billed (``None`` when it did not say)."""

    text: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    done: bool = False


async def stream_reply(
    http: httpx.AsyncClient,
    url: str,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    model: str,
    secret: str,
) -> AsyncGenerator[ChatChunk, None]:
    """POST the request and yield the answer's pieces; the last one is ``done``."""
    try:
        async with http.stream("POST", url, json=body, headers=headers) as response:
            if "text/event-stream" not in response.headers.get("content-type", ""):
                yield await _whole(response, model)
                return
            async for chunk in _events(response.aiter_lines()):
                yield chunk
                if chunk.done:
                    return
            yield ChatChunk(done=True)  # the stream ended without [DONE]: what came stands
    except httpx.TransportError as exc:
        detail = str(exc).replace(secret, "***") or type(exc).__name__
        raise KieTransportError(detail, sent=not isinstance(exc, _NOT_SENT)) from exc


async def _whole(response: httpx.Response, model: str) -> ChatChunk:
    """A reply that is no stream: a refusal (raised), or the answer at once."""
    raw = await response.aread()
    try:
        body = json.loads(raw)
    except ValueError:
        raise non_json(response) from None
    reply = parse_reply(body, model, response.status_code)
    return ChatChunk(reply.text, reply.prompt_tokens, reply.completion_tokens, done=True)


async def _events(lines: AsyncIterator[str]) -> AsyncIterator[ChatChunk]:
    """The chunks of an SSE body; a ``done`` chunk with the usage at the end."""
    prompt: int | None = None
    completion: int | None = None
    async for line in lines:
        if not line.startswith("data:"):
            continue  # comments (": keep-alive"), event names, blank separators
        data = line[5:].strip()
        if data == DONE:
            yield ChatChunk(prompt_tokens=prompt, completion_tokens=completion, done=True)
            return
        try:
            event = json.loads(data)
        except ValueError:
            raise KieProtocolError("KIE chat stream sent an event that is not JSON") from None
        event = f.mapping(event)
        _raise_error(event)
        usage = f.mapping(event.get("usage"))
        prompt = f.integer(usage.get("prompt_tokens")) or prompt
        completion = f.integer(usage.get("completion_tokens")) or completion
        choices = event.get("choices")
        first = f.mapping(choices[0]) if isinstance(choices, list) and choices else {}
        text = content_text(f.mapping(first.get("delta")).get("content"))
        if text:
            yield ChatChunk(text)
    yield ChatChunk(prompt_tokens=prompt, completion_tokens=completion, done=True)


def _raise_error(event: Mapping[str, Any]) -> None:
    """An error event in the middle of a stream."""
    error = event.get("error")
    if error is not None:
        message = f.first_text(f.mapping(error), "message") or str(error)
        code = f.integer(f.mapping(error).get("code")) or 500
        raise error_from_envelope(code, message)
    envelope = f.integer(event.get("code"))
    if envelope is not None and envelope != 200 and "choices" not in event:
        raise error_from_envelope(envelope, f.first_text(event, "msg", "message") or "")
