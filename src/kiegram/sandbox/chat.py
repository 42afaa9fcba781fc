"""KIE's chat models, simulated.

Without streaming (the prompt helper): a deterministic "rewrite" of the last user message.
With ``stream: true`` (the chat): a canned answer that quotes the last user message (and the
one before it, so a test sees the context arrive), counts the photos, and streams as
server-sent events in pieces of a few words, the usage in the last chunk.

In the last user message: ``sandbox:fail`` answers with KIE's error envelope (500),
``sandbox:402`` with the out-of-credits one, ``sandbox:break`` streams a few pieces and then
an error event, ``sandbox:slow`` streams each piece `SLOW_PIECE` seconds apart, and
``sandbox:long`` answers a dozen long paragraphs (more than one Telegram message).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

from aiohttp import web

PIECE_DELAY = 0.002  # between streamed pieces (seconds)
SLOW_PIECE = 0.25
WORDS_PER_PIECE = 3

FAKE_DETAIL = "highly detailed, soft natural light, sharp focus"


def rewrite(messages: list[Any]) -> str:
    """The fake answer: the user's last message with detail added (and "in English" noted
    when the system message asked for English)."""
    texts = [_text(m.get("content")) for m in messages if isinstance(m, dict)]
    system = " ".join(
        t
        for m, t in zip(messages, texts, strict=True)
        if m.get("role") == "system" and isinstance(t, str)
    )
    users = [t for m, t in zip(messages, texts, strict=True) if m.get("role") == "user"]
    draft = str(users[-1] if users else "").strip().rstrip(".")
    english = " (in English)" if "in English" in system else ""
    return f"{draft}, {FAKE_DETAIL}{english}"


async def chat_completion(request: web.Request) -> web.StreamResponse:
    """``POST /{model}/v1/chat/completions`` (no streaming)."""
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"code": 400, "msg": "request body is not JSON"})
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not messages:
        return web.json_response({"code": 422, "msg": "messages is required"})
    if body.get("stream") is True:
        return await _stream(request, messages)
    text = rewrite(messages)
    if "sandbox:fail" in text:
        return web.json_response({"code": 500, "msg": "Server error"})
    if "sandbox:402" in text:
        return web.json_response({"code": 402, "msg": "Credits insufficient"})
    model = request.match_info["model"]
    return web.json_response(
        {
            "id": "chatcmpl-sandbox",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 30, "total_tokens": 80},
        }
    )


def _text(content: Any) -> str:
    """A message's text: the content string, or its text parts joined."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def _images(content: Any) -> int:
    if not isinstance(content, list):
        return 0
    return sum(1 for p in content if isinstance(p, dict) and p.get("type") == "image_url")


def canned_answer(messages: list[Any], model: str) -> str:
    """The fake chat answer: which message this is, what it said, the one before, photos."""
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    said = [_text(m.get("content")).strip() for m in users]
    last = said[-1] if said else ""
    if "sandbox:long" in last:
        return "\n\n".join(
            f"Paragraph {n}. " + "The sandbox model keeps talking about nothing much. " * 8
            for n in range(1, 13)
        )
    parts = [f"**{model}** (sandbox) got message {len(said)}: «{last}»."]
    if len(said) > 1:
        parts.append(f"Before that you wrote: «{said[-2]}».")
    images = _images(users[-1].get("content")) if users else 0
    if images:
        parts.append(f"I see {images} image(s).")
    parts.append("A short list:\n- one item\n- another with `code` <b>not a tag</b>")
    return "\n\n".join(parts)


def pieces(text: str) -> list[str]:
    """The answer cut into pieces of a few words (whitespace kept), as a model streams."""
    words = re.findall(r"\S+\s*|\s+", text)
    return ["".join(words[i : i + WORDS_PER_PIECE]) for i in range(0, len(words), WORDS_PER_PIECE)]


def _usage(messages: list[Any], answer: str) -> dict[str, int]:
    prompt = sum(
        4 + len(_text(m.get("content"))) // 4 + 1100 * _images(m.get("content"))
        for m in messages
        if isinstance(m, dict)
    )
    completion = len(answer) // 4 + 1
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


async def _stream(request: web.Request, messages: list[Any]) -> web.StreamResponse:
    """The canned answer as server-sent events."""
    model = request.match_info["model"]
    answer = canned_answer(messages, model)
    if "sandbox:fail" in answer:
        return web.json_response({"code": 500, "msg": "Server error"})
    if "sandbox:402" in answer:
        return web.json_response({"code": 402, "msg": "Credits insufficient"})
    delay = SLOW_PIECE if "sandbox:slow" in answer else PIECE_DELAY
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    with contextlib.suppress(ConnectionResetError):  # the client stopped reading (cancelled)
        await _write_pieces(response, model, messages, answer, delay)
    return response


async def _write_pieces(
    response: web.StreamResponse, model: str, messages: list[Any], answer: str, delay: float
) -> None:
    for n, piece in enumerate(pieces(answer)):
        if n == 3 and "sandbox:break" in answer:
            error = {"error": {"message": "upstream model error", "code": 500}}
            await response.write(f"data: {json.dumps(error)}\n\n".encode())
            return
        chunk = {
            "id": "chatcmpl-sandbox",
            "object": "chat.completion.chunk",
            "model": model,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        await asyncio.sleep(delay)
    last = {
        "id": "chatcmpl-sandbox",
        "object": "chat.completion.chunk",
        "model": model,
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": _usage(messages, answer),
    }
    await response.write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode())
    await response.write_eof()
