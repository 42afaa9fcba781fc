"""The chat API's messages and replies: what is sent (`ChatMessage`, `chat_body`) and how
an answer or a refusal is read (`parse_reply`, `content_text`, `non_json`), shared by the
one-shot client (`kie/chat.py`) and the streamed one (`kie/chat_stream.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.errors import (
    KieError,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    error_from_envelope,
)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a conversation: ``role`` is system, user or assistant; a user's may
    carry photos (their URLs)."""

    role: str
    content: str
    images: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The message as KIE takes it: plain text, or text and image parts."""
        if not self.images:
            return {"role": self.role, "content": self.content}
        parts: list[dict[str, Any]] = [{"type": "text", "text": self.content}]
        parts += [{"type": "image_url", "image_url": {"url": url}} for url in self.images]
        return {"role": self.role, "content": parts}


@dataclass(frozen=True, slots=True)
class ChatReply:
    """The model's answer and the tokens it was billed for (when KIE says)."""

    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


def chat_body(messages: Sequence[ChatMessage], *, stream: bool = False) -> dict[str, Any]:
    """The request body: the messages, streamed or not, no thoughts in the answer."""
    return {
        "messages": [m.to_json() for m in messages],
        "stream": stream,
        "include_thoughts": False,
    }


def parse_reply(body: Any, model: str, status: int) -> ChatReply:
    """The reply's text, or the KIE error its envelope (or HTTP status) describes."""
    if not isinstance(body, Mapping):
        raise KieProtocolError("KIE chat reply is not a JSON object", status)
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        code = f.integer(body.get("code")) or (status if status >= 400 else None)
        message = f.first_text(body, "msg", "message") or _error_text(body)
        if code is not None and code != 200:
            raise error_from_envelope(code, message or f"KIE chat returned code {code}")
        raise KieProtocolError("KIE chat reply has no choices", status)
    text = _content(f.mapping(f.mapping(choices[0]).get("message")).get("content"))
    if not text:
        raise KieProtocolError("KIE chat reply has an empty message", status)
    usage = f.mapping(body.get("usage"))
    return ChatReply(
        text=text,
        model=f.first_text(body, "model") or model,
        prompt_tokens=f.integer(usage.get("prompt_tokens")),
        completion_tokens=f.integer(usage.get("completion_tokens")),
    )


def content_text(value: Any) -> str:
    """A message's (or a delta's) content as it came: a string, or its text parts joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = [f.mapping(p).get("text") for p in value]
        return "".join(p for p in parts if isinstance(p, str))
    return ""


def _content(value: Any) -> str:
    """A message's content: a string, or a list of parts whose text parts are joined."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        parts = [f.mapping(p).get("text") for p in value]
        return "".join(p for p in parts if isinstance(p, str)).strip()
    return ""


def _error_text(body: Mapping[str, Any]) -> str:
    error = body.get("error")
    return f.first_text(f.mapping(error), "message") or "" if error is not None else ""


def non_json(response: httpx.Response) -> KieError:
    status = response.status_code
    message = f"HTTP {status} with a non-JSON chat reply"
    if status == 429:
        return KieRateLimited(message, status)
    if status >= 500:
        return KieServerError(message, status)
    return KieProtocolError(message, status)
