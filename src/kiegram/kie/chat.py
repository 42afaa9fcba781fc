"""KIE's chat models (OpenAI-style ``/v1/chat/completions`` under each model's path).

``POST {base}/{model}/v1/chat/completions`` with ``messages`` (role + content) and
``stream: false`` answers at once with ``choices[0].message.content`` and ``usage``; unlike
the task APIs there is no ``{code, msg, data}`` envelope on success, but refusals come in
one (401 key, 402 credits, 422/500...). The call is billed to the same account in credits per
token (docs.kie.ai/market/chat, e.g. gemini-2.5-flash). ``stream`` asks for server-sent events
(``stream: true``): the answer's deltas as they come, then the usage (`kie/chat_stream.py`).
A user message may carry a photo: its content is then KIE's parts, a ``text`` part and an
``image_url`` one (``{"type": "image_url", "image_url": {"url": ...}}``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.client import DEFAULT_BASE_URL, DEFAULT_USER_AGENT
from kiegram.kie.errors import (
    KieError,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    KieTransportError,
    error_from_envelope,
)

if TYPE_CHECKING:
    from kiegram.kie.chat_stream import ChatChunk

DEFAULT_CHAT_MODEL = "gemini-2.5-flash"
CHAT_TIMEOUT = httpx.Timeout(connect=10.0, read=90.0, write=30.0, pool=10.0)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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


class KieChat:
    """A client for KIE's chat models: messages in, text out (one request, no retries)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if not api_key or any(c.isspace() for c in api_key):
            raise ValueError("api_key must be a non-empty token without whitespace")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout or CHAT_TIMEOUT,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    async def __aenter__(self) -> KieChat:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def complete(
        self, messages: Sequence[ChatMessage], *, model: str = DEFAULT_CHAT_MODEL
    ) -> ChatReply:
        """The model's answer to ``messages``; a ``KieError`` when KIE refuses or fails."""
        url = f"{self.base_url}/{model}/v1/chat/completions"
        headers = {"Authorization": f"Bearer {self._api_key}"}
        try:
            response = await self._http.post(url, json=chat_body(messages), headers=headers)
        except httpx.TransportError as exc:
            detail = str(exc).replace(self._api_key, "***") or type(exc).__name__
            raise KieTransportError(detail, sent=not isinstance(exc, _NOT_SENT)) from exc
        try:
            body = response.json()
        except ValueError:
            raise non_json(response) from None
        return parse_reply(body, model, response.status_code)

    def stream(
        self, messages: Sequence[ChatMessage], *, model: str = DEFAULT_CHAT_MODEL
    ) -> AsyncGenerator[ChatChunk, None]:
        """The answer's pieces as KIE streams them, the last one with the usage (when KIE
        reports it); a ``KieError`` when KIE refuses or the stream breaks. Closing the
        iterator early (a cancelled answer) closes the connection."""
        url = f"{self.base_url}/{model}/v1/chat/completions"
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "text/event-stream"}
        from kiegram.kie.chat_stream import stream_reply  # it reads replies with this module

        body = chat_body(messages, stream=True)
        return stream_reply(self._http, url, body, headers, model, self._api_key)


def non_json(response: httpx.Response) -> KieError:
    status = response.status_code
    message = f"HTTP {status} with a non-JSON chat reply"
    if status == 429:
        return KieRateLimited(message, status)
    if status >= 500:
        return KieServerError(message, status)
    return KieProtocolError(message, status)
