"""The async KIE client: one object owning its HTTP connection pool, limiter and retries."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import mimetypes
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.api_family import ApiFamily, endpoints
from kiegram.kie.endpoint import Endpoint, still_pending
from kiegram.kie.errors import (
    KieError,
    KieInvalidInput,
    KieNotFound,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    KieShuttingDown,
    KieTransportError,
    error_from_envelope,
    is_retryable,
    may_resend_create,
)
from kiegram.kie.followup_status import parser_for
from kiegram.kie.limiter import RateLimiter, SlidingWindowLimiter
from kiegram.kie.retry import RetryPolicy, Sleep, retry_async
from kiegram.kie.status import TaskState, TaskStatus, build
from kiegram.kie.transfer import head_size, stream_into

T = TypeVar("T")

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.kie.ai"
DEFAULT_UPLOAD_BASE_URL = "https://kieai.redpandaai.co"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
UPLOAD_TIMEOUT_SECONDS = 300.0
# Create: only 429s and refused connections are resent; 20 creates / 10 s is KIE's window.
CREATE_POLICY = RetryPolicy(attempts=4, base=2.0, factor=2.0, cap=10.0)
READ_POLICY = RetryPolicy(attempts=4, base=1.0, factor=2.0, cap=15.0)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _version() -> str:
    try:
        return metadata.version("kiegram")
    except metadata.PackageNotFoundError:
        return "0"


DEFAULT_USER_AGENT = f"kiegram/{_version()} (+https://github.com/kiegram/kiegram)"


def create_body(
    family: ApiFamily, model: str | None, payload: Mapping[str, Any], callback_url: str | None
) -> dict[str, Any]:
    """The createTask body: Market wraps ``payload`` as ``input``; dedicated APIs are flat."""
    body: dict[str, Any]
    if family is ApiFamily.MARKET:
        if not model:
            raise ValueError("a Market task needs a model name")
        body = {"model": model, "input": dict(payload)}
    else:
        # Dedicated APIs take their model (if any) inside the payload; `model` is not sent.
        body = dict(payload)
    if callback_url is not None:
        body["callBackUrl"] = callback_url
    return body


async def _collect(chunks: AsyncIterator[bytes]) -> bytes:
    buffer = bytearray()
    async for chunk in chunks:
        buffer.extend(chunk)
    return bytes(buffer)


class KieClient:
    """Async client for KIE.ai: create tasks, read status, upload files, download results."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        upload_base_url: str = DEFAULT_UPLOAD_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        limiter: RateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        user_agent: str = DEFAULT_USER_AGENT,
        create_policy: RetryPolicy = CREATE_POLICY,
        read_policy: RetryPolicy = READ_POLICY,
        rng: random.Random | None = None,
    ) -> None:
        if not api_key or not api_key.isprintable() or any(c.isspace() for c in api_key):
            raise ValueError("api_key must be a non-empty token without whitespace")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.upload_base_url = upload_base_url.rstrip("/")
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._upload_timeout = httpx.Timeout(
            connect=self._timeout.connect,
            read=UPLOAD_TIMEOUT_SECONDS,
            write=UPLOAD_TIMEOUT_SECONDS,
            pool=self._timeout.pool,
        )
        self._limiter = limiter if limiter is not None else SlidingWindowLimiter(sleep=sleep)
        self._sleep = sleep
        self._create_policy = create_policy
        self._read_policy = read_policy
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=self._timeout,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"KieClient(base_url={self.base_url!r}, upload_base_url={self.upload_base_url!r})"

    async def __aenter__(self) -> KieClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # -- public API -------------------------------------------------------------------------

    async def create_task(
        self,
        family: ApiFamily,
        model: str | None,
        payload: Mapping[str, Any],
        callback_url: str | None = None,
        endpoint: Endpoint | None = None,
        on_send: Callable[[], Awaitable[object]] | None = None,
    ) -> str:
        """Create a generation task and return its taskId; resend only if it never arrived.

        A follow-up's ``endpoint`` replaces the family's create path; a ``repeat`` endpoint
        has no task of KIE's own, so its id is made here (its status resends the request).
        `on_send` is awaited once the rate limiter let the request go, just before it is
        sent (on every attempt): from then on the task may exist at KIE. What it raises
        stops the create before anything is sent.
        """
        family = ApiFamily(family)
        if endpoint is not None and endpoint.repeat:
            if not endpoint.once:
                await self._repeat(endpoint, payload, self._create_policy, may_resend_create)
            return f"repeat-{uuid.uuid4().hex}"
        body = create_body(family, model, payload, callback_url)
        path = endpoint.create_path if endpoint is not None else endpoints(family).create_path
        url = self._api_url(path)

        async def attempt() -> Any:
            await self._limiter.acquire()
            if on_send is not None:
                await on_send()
            return await self._call("POST", url, json=body)

        data = await self._retry(attempt, self._create_policy, may_resend_create)
        task_id = f.first_text(f.mapping(data), "taskId", "task_id")
        if task_id is None:
            raise KieProtocolError("KIE accepted the task but returned no taskId")
        return task_id

    async def get_status(
        self,
        family: ApiFamily,
        task_id: str,
        endpoint: Endpoint | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> TaskStatus:
        """Read a task's current status, retrying transient failures.

        A follow-up's ``endpoint`` names its record-info path and parser; a ``repeat`` one is
        read by sending its create ``payload`` again (a "not ready yet" refusal is RUNNING).
        """
        family = ApiFamily(family)
        parse = parser_for(family, endpoint.result if endpoint is not None else None)
        if endpoint is not None and endpoint.repeat:
            return await self._repeat_status(family, endpoint, payload or {}, task_id)
        spec = endpoints(family)
        path = spec.status_path
        if endpoint is not None and endpoint.status_path:
            path = endpoint.status_path
        url = self._api_url(path)

        async def attempt() -> Any:
            params = {spec.status_param: task_id}
            return await self._call("GET", url, params=params, reading_status=True)

        data = await self._retry(attempt, self._read_policy, is_retryable)
        if not isinstance(data, Mapping):
            raise KieProtocolError("KIE status reply has no data object")
        status = parse(data)
        return status if status.task_id else dataclasses.replace(status, task_id=task_id)

    async def _repeat(
        self,
        endpoint: Endpoint,
        payload: Mapping[str, Any],
        policy: RetryPolicy,
        should_retry: Callable[[BaseException], bool],
    ) -> Any:
        """Send a repeat endpoint's request; a "not ready yet" refusal answers None."""
        url = self._api_url(endpoint.create_path)
        get = endpoint.method.upper() == "GET"

        async def attempt() -> Any:
            await self._limiter.acquire()
            if get:
                return await self._call("GET", url, params=dict(payload))
            return await self._call("POST", url, json=dict(payload))

        try:
            return await self._retry(attempt, policy, should_retry)
        except (KieInvalidInput, KieNotFound) as exc:
            if still_pending(exc.message):
                return None
            raise

    async def _repeat_status(
        self, family: ApiFamily, endpoint: Endpoint, payload: Mapping[str, Any], task_id: str
    ) -> TaskStatus:
        """A repeat endpoint's result now; KIE's refusal of the request fails the task."""
        try:
            data = await self._repeat(endpoint, payload, self._read_policy, is_retryable)
        except (KieInvalidInput, KieNotFound) as exc:
            code = None if exc.code is None else str(exc.code)
            return build(
                {}, TaskState.FAILED, fail_code=code, fail_message=exc.message, task_id=task_id
            )
        if not isinstance(data, Mapping):
            return build({}, TaskState.RUNNING, task_id=task_id)
        status = parser_for(family, endpoint.result)(data)
        return dataclasses.replace(status, task_id=task_id)

    async def upload_file(
        self,
        data: bytes | Path | AsyncIterator[bytes],
        filename: str,
        upload_path: str = "kiegram",
    ) -> str:
        """Upload a file with the stream endpoint and return its download URL.

        A `Path` is streamed from disk in chunks (the multipart body is never built whole);
        each attempt opens the file anew.
        """
        content = data if isinstance(data, bytes | Path) else await _collect(data)
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        url = f"{self.upload_base_url}/api/file-stream-upload"
        form = {"uploadPath": upload_path.strip("/"), "fileName": filename}

        async def attempt() -> Any:
            if isinstance(content, bytes):
                return await self._post_file(url, form, (filename, content, mime))
            with content.open("rb") as stream:
                return await self._post_file(url, form, (filename, stream, mime))

        reply = f.mapping(await self._retry(attempt, self._read_policy, is_retryable))
        found = f.urls(reply.get("downloadUrl"), reply.get("fileUrl"), reply.get("url"))
        if not found:
            raise KieProtocolError("KIE upload reply has no downloadUrl/fileUrl/url")
        return found[0]

    async def _post_file(
        self, url: str, form: dict[str, str], file: tuple[str, bytes | BinaryIO, str]
    ) -> Any:
        return await self._call(
            "POST",
            url,
            data=form,
            files={"file": file},
            timeout=self._upload_timeout,
            is_json=False,
        )

    async def get_credits(self) -> float:
        """The account's remaining credits."""
        url = self._api_url("/api/v1/chat/credit")
        data = await self._retry(lambda: self._call("GET", url), self._read_policy, is_retryable)
        credits = f.number(data)
        if credits is None:
            raise KieProtocolError("KIE credit reply is not a number")
        return credits

    async def download_url(self, url: str) -> str:
        """Exchange a KIE-generated file URL for a direct one valid for about 20 minutes."""
        api_url = self._api_url("/api/v1/common/download-url")

        async def attempt() -> Any:
            return await self._call("POST", api_url, json={"url": url})

        found = f.urls(await self._retry(attempt, self._read_policy, is_retryable))
        if not found:
            raise KieProtocolError("KIE download-url reply has no URL")
        return found[0]

    async def download(self, url: str, max_bytes: int) -> bytes:
        """Fetch a small file into memory, refusing anything larger than ``max_bytes``."""
        headers = self._download_headers(url)

        async def attempt() -> bytes:
            buffer = io.BytesIO()
            await self._stream(url, headers, max_bytes, buffer)
            return buffer.getvalue()

        return await self._retry(attempt, self._read_policy, is_retryable)

    async def download_to(
        self,
        url: str,
        path: Path,
        max_bytes: int,
        on_chunk: Callable[[int], None] | None = None,
        retry: bool = True,
    ) -> int:
        """Stream a result file into ``path`` (rewritten by each attempt) in bounded chunks;
        its size. Refuses (`KieFileTooLarge`) anything larger than ``max_bytes``.
        `on_chunk(written)` follows the progress (a reader of the growing file); without
        `retry` one attempt only (what that reader took cannot be taken back)."""
        headers = self._download_headers(url)

        async def attempt() -> int:
            with path.open("wb") as sink:
                return await self._stream(url, headers, max_bytes, sink, on_chunk)

        if not retry:
            return await attempt()
        return await self._retry(attempt, self._read_policy, is_retryable)

    async def size_of(self, url: str) -> int | None:
        """The size the file's server declares (a HEAD request); None when unknown."""
        if not url.startswith(("http://", "https://")):
            return None
        return await head_size(self._http, url, self._download_headers(url))

    # -- plumbing ---------------------------------------------------------------------------

    def _download_headers(self, url: str) -> dict[str, str]:
        """Our key goes only to KIE's own hosts; other URLs are fetched without it."""
        if not url.startswith(("http://", "https://")):
            raise KieInvalidInput("only http(s) result URLs can be downloaded")
        return self._auth_headers() if self._is_kie_host(url) else {}

    async def _stream(
        self,
        url: str,
        headers: Mapping[str, str],
        max_bytes: int,
        sink: BinaryIO,
        on_chunk: Callable[[int], None] | None = None,
    ) -> int:
        try:
            return await stream_into(self._http, url, headers, max_bytes, sink, on_chunk)
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc

    def _api_url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    def _is_kie_host(self, url: str) -> bool:
        target = httpx.URL(url)
        return any(
            (target.scheme, target.host, target.port) == (own.scheme, own.host, own.port)
            for own in (httpx.URL(self.base_url), httpx.URL(self.upload_base_url))
        )

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***")

    async def _retry(
        self,
        fn: Callable[[], Awaitable[T]],
        policy: RetryPolicy,
        should_retry: Callable[[BaseException], bool],
    ) -> T:
        def logged(exc: Exception) -> bool:
            again = should_retry(exc) and not isinstance(exc, KieShuttingDown)
            if again:
                log.warning("KIE request failed, retrying: %s", self._scrub(str(exc)))
            return again

        return await retry_async(
            fn, policy=policy, sleep=self._sleep, should_retry=logged, rng=self._rng
        )

    async def _call(
        self,
        method: str,
        url: str,
        *,
        reading_status: bool = False,
        is_json: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Send one authorised request and return the envelope's ``data``."""
        headers = self._auth_headers()
        if is_json:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._http.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc
        return self._unwrap(response, reading_status)

    def _transport_error(self, exc: httpx.TransportError) -> KieTransportError:
        sent = not isinstance(exc, _NOT_SENT)
        detail = self._scrub(str(exc)) or "no detail"
        return KieTransportError(f"{type(exc).__name__}: {detail}", sent=sent)

    def _unwrap(self, response: httpx.Response, reading_status: bool) -> Any:
        try:
            body = response.json()
        except ValueError:
            raise self._non_json(response) from None
        if not isinstance(body, Mapping):
            raise KieProtocolError("KIE reply is not a JSON object", response.status_code)
        code = f.integer(body.get("code"))
        if response.is_success and (code == 200 or (code is None and body.get("success") is True)):
            return body.get("data")
        if code is None or code == 200:
            if response.is_success:
                raise KieProtocolError("KIE reply has no envelope code", response.status_code)
            code = response.status_code
        msg = self._scrub(f.first_text(body, "msg", "message") or "")
        raise error_from_envelope(code, msg, reading_status=reading_status)

    def _non_json(self, response: httpx.Response) -> KieError:
        status = response.status_code
        snippet = self._scrub(response.text[:200].strip())
        message = f"HTTP {status} with a non-JSON body: {snippet!r}"
        if status == 429:
            return KieRateLimited(message, status)
        if status >= 500:
            return KieServerError(message, status)
        return KieProtocolError(message, status)
