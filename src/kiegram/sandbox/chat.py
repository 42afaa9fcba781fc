"""KIE's chat models, simulated: a deterministic "rewrite" of the last user message.

``sandbox:fail`` in the message answers with KIE's error envelope (500); ``sandbox:402`` with
the out-of-credits one.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

FAKE_DETAIL = "highly detailed, soft natural light, sharp focus"


def rewrite(messages: list[Any]) -> str:
    """The fake answer: the user's last message with detail added (and "in English" noted
    when the system message asked for English)."""
    texts = [m.get("content") for m in messages if isinstance(m, dict)]
    system = " ".join(
        t
        for m, t in zip(messages, texts, strict=True)
        if m.get("role") == "system" and isinstance(t, str)
    )
    users = [t for m, t in zip(messages, texts, strict=True) if m.get("role") == "user"]
    draft = str(users[-1] if users else "").strip().rstrip(".")
    english = " (in English)" if "in English" in system else ""
    return f"{draft}, {FAKE_DETAIL}{english}"


async def chat_completion(request: web.Request) -> web.Response:
    """``POST /{model}/v1/chat/completions`` (no streaming)."""
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"code": 400, "msg": "request body is not JSON"})
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not messages:
        return web.json_response({"code": 422, "msg": "messages is required"})
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
