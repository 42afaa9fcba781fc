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

from collections.abc import AsyncGenerator, Sequence

import httpx

from kiegram.kie.chat_reply import (
    ChatMessage,
    ChatReply,
    chat_body,
    non_json,
    parse_reply,
)
from kiegram.kie.chat_stream import ChatChunk, stream_reply
from kiegram.kie.client import DEFAULT_BASE_URL, DEFAULT_USER_AGENT
from kiegram.kie.errors import KieTransportError

DEFAULT_CHAT_MODEL = "gemini-2.5-flash"
CHAT_TIMEOUT = httpx.Timeout(connect=10.0, read=90.0, write=30.0, pool=10.0)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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
        body = chat_body(messages, stream=True)
        return stream_reply(self._http, url, body, headers, model, self._api_key)


__all__ = ["DEFAULT_CHAT_MODEL", "ChatChunk", "ChatMessage", "ChatReply", "KieChat"]
