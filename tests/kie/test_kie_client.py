"""KieClient against a faked KIE network (httpx.MockTransport): envelopes, retries, uploads."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from kiegram.kie import (
    ApiFamily,
    KieAuthError,
    KieClient,
    KieError,
    KieFileTooLarge,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieInvalidInput,
    KieMaintenance,
    KieNotFound,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    KieTransportError,
    RetryPolicy,
    TaskState,
)

KEY = "sk-SECRET-0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]


class CountingLimiter:
    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1


class FakeKie:
    """Replays scripted replies (or raises scripted errors) and records every request."""

    def __init__(self, *replies: httpx.Response | Exception | Handler) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return reply


def ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})


def envelope(code: int, msg: str = "nope", http_status: int = 200) -> httpx.Response:
    return httpx.Response(http_status, json={"code": code, "msg": msg, "data": None})


def refused() -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused")


def read_timeout() -> httpx.ReadTimeout:
    return httpx.ReadTimeout("timed out")


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def make_client(slept: list[float]) -> Callable[..., KieClient]:
    async def sleep(delay: float) -> None:
        slept.append(delay)

    def factory(fake: FakeKie, **kwargs: Any) -> KieClient:
        kwargs.setdefault("limiter", CountingLimiter())
        return KieClient(
            KEY, transport=httpx.MockTransport(fake), sleep=sleep, rng=random.Random(7), **kwargs
        )

    return factory


# -- create_task -----------------------------------------------------------------------------


async def test_market_create_body_headers_and_task_id(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(ok({"taskId": "task_google_1765172332800"}))
    async with make_client(fake) as client:
        task_id = await client.create_task(
            ApiFamily.MARKET,
            "google/nano-banana",
            {"prompt": "a red fox in snow", "output_format": "png"},
            "https://bot.example.com/kie/callback",
        )
    assert task_id == "task_google_1765172332800"
    [request] = fake.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.kie.ai/api/v1/jobs/createTask"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("kiegram/")
    assert json.loads(request.content) == {
        "model": "google/nano-banana",
        "input": {"prompt": "a red fox in snow", "output_format": "png"},
        "callBackUrl": "https://bot.example.com/kie/callback",
    }


async def test_callback_url_omitted_when_none(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(ok({"taskId": "t"}))
    async with make_client(fake) as client:
        await client.create_task(ApiFamily.MARKET, "m", {"prompt": "p"}, None)
    assert json.loads(fake.requests[0].content) == {"model": "m", "input": {"prompt": "p"}}


@pytest.mark.parametrize(
    ("family", "path"),
    [
        (ApiFamily.VEO, "/api/v1/veo/generate"),
        (ApiFamily.RUNWAY, "/api/v1/runway/generate"),
        (ApiFamily.LUMA, "/api/v1/modify/generate"),
        (ApiFamily.SUNO, "/api/v1/generate"),
        (ApiFamily.MIDJOURNEY, "/api/v1/mj/generate"),
        (ApiFamily.GPT4O_IMAGE, "/api/v1/gpt4o-image/generate"),
        (ApiFamily.FLUX_KONTEXT, "/api/v1/flux/kontext/generate"),
    ],
)
async def test_dedicated_create_is_flat(
    make_client: Callable[..., KieClient], family: ApiFamily, path: str
) -> None:
    fake = FakeKie(ok({"taskId": "d1"}))
    async with make_client(fake) as client:
        task_id = await client.create_task(family, None, {"prompt": "p"}, "https://cb.example/x")
    assert task_id == "d1"
    assert fake.requests[0].url.path == path
    assert json.loads(fake.requests[0].content) == {
        "prompt": "p",
        "callBackUrl": "https://cb.example/x",
    }


async def test_market_create_needs_a_model(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(ok({"taskId": "t"}))
    async with make_client(fake) as client:
        with pytest.raises(ValueError):
            await client.create_task(ApiFamily.MARKET, None, {"prompt": "p"}, None)
    assert fake.requests == []


async def test_create_retried_after_connection_refused(
    make_client: Callable[..., KieClient],
) -> None:
    limiter = CountingLimiter()
    fake = FakeKie(refused(), refused(), ok({"taskId": "t-after-refused"}))
    async with make_client(fake, limiter=limiter) as client:
        assert await client.create_task(ApiFamily.MARKET, "m", {}, None) == "t-after-refused"
    assert len(fake.requests) == 3
    assert limiter.acquired == 3  # every attempt counts against KIE's window


async def test_create_retried_after_429(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(envelope(429, "Rate limited"), ok({"taskId": "t-after-429"}))
    async with make_client(fake) as client:
        assert await client.create_task(ApiFamily.MARKET, "m", {}, None) == "t-after-429"
    assert len(fake.requests) == 2


async def test_create_retried_after_http_429_without_json(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(httpx.Response(429, text="Too Many Requests"), ok({"taskId": "t"}))
    async with make_client(fake) as client:
        assert await client.create_task(ApiFamily.MARKET, "m", {}, None) == "t"
    assert len(fake.requests) == 2


async def test_create_not_retried_after_read_timeout(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(read_timeout(), ok({"taskId": "duplicate!"}))
    async with make_client(fake) as client:
        with pytest.raises(KieTransportError) as caught:
            await client.create_task(ApiFamily.MARKET, "m", {}, None)
    assert caught.value.sent is True
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [envelope(500, "Server Error"), httpx.Response(502, text="<html>Bad gateway</html>")],
)
async def test_create_not_retried_after_server_error(
    make_client: Callable[..., KieClient], reply: httpx.Response
) -> None:
    fake = FakeKie(reply, ok({"taskId": "duplicate!"}))
    async with make_client(fake) as client:
        with pytest.raises(KieServerError):
            await client.create_task(ApiFamily.MARKET, "m", {}, None)
    assert len(fake.requests) == 1


async def test_create_gives_up_after_bounded_refusals(
    make_client: Callable[..., KieClient], slept: list[float]
) -> None:
    fake = FakeKie(refused())
    policy = RetryPolicy(attempts=3, base=1, cap=4)
    async with make_client(fake, create_policy=policy) as client:
        with pytest.raises(KieTransportError) as caught:
            await client.create_task(ApiFamily.MARKET, "m", {}, None)
    assert caught.value.sent is False
    assert len(fake.requests) == 3
    assert len(slept) == 2 and all(0 <= d <= 4 for d in slept)


async def test_create_reply_without_task_id_is_protocol_error(
    make_client: Callable[..., KieClient],
) -> None:
    async with make_client(FakeKie(ok({}))) as client:
        with pytest.raises(KieProtocolError):
            await client.create_task(ApiFamily.MARKET, "m", {}, None)


# -- envelope -> exceptions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (401, KieAuthError),
        (402, KieInsufficientCredits),
        (404, KieNotFound),
        (422, KieInvalidInput),
        (400, KieInvalidInput),
        (429, KieRateLimited),
        (455, KieMaintenance),
        (500, KieServerError),
        (501, KieGenerationFailed),
        (505, KieServerError),
    ],
)
@pytest.mark.parametrize("http_status", [200, None])
async def test_envelope_codes_raise_the_right_exception(
    make_client: Callable[..., KieClient],
    code: int,
    expected: type[KieError],
    http_status: int | None,
) -> None:
    reply = envelope(code, "KIE says no", http_status or code)
    fake = FakeKie(reply)
    async with make_client(fake, create_policy=RetryPolicy(attempts=2)) as client:
        with pytest.raises(expected) as caught:
            await client.create_task(ApiFamily.MARKET, "m", {}, None)
    assert caught.value.code == code
    assert caught.value.message == "KIE says no"


async def test_cloudflare_403_is_protocol_error(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(httpx.Response(403, text="error code: 1010"))
    async with make_client(fake) as client:
        with pytest.raises(KieProtocolError) as caught:
            await client.get_credits()
    assert caught.value.code == 403
    assert "error code: 1010" in caught.value.message
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, json=[1, 2]),
        httpx.Response(200, json={"msg": "no code at all"}),
        httpx.Response(200, text="<html>"),
    ],
)
async def test_odd_replies_are_protocol_errors(
    make_client: Callable[..., KieClient], reply: httpx.Response
) -> None:
    async with make_client(FakeKie(reply)) as client:
        with pytest.raises(KieProtocolError):
            await client.get_credits()


async def test_message_field_fallback(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(httpx.Response(200, json={"code": 402, "message": "Insufficient Credits"}))
    async with make_client(fake) as client:
        with pytest.raises(KieInsufficientCredits, match="Insufficient Credits"):
            await client.get_credits()


# -- get_status ------------------------------------------------------------------------------

MARKET_DONE = {
    "taskId": "task_1",
    "state": "success",
    "resultJson": '{"resultUrls":["https://tempfile.aiquickdraw.com/1.png"]}',
}


async def test_status_reads_record_info(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(ok(MARKET_DONE))
    async with make_client(fake) as client:
        status = await client.get_status(ApiFamily.MARKET, "task_1")
    assert status.state is TaskState.SUCCEEDED
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/1.png",)
    [request] = fake.requests
    assert request.method == "GET"
    assert request.url.path == "/api/v1/jobs/recordInfo"
    assert request.url.params["taskId"] == "task_1"


async def test_status_uses_family_path_and_fills_missing_task_id(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(ok({"state": "generating"}))
    async with make_client(fake) as client:
        status = await client.get_status(ApiFamily.RUNWAY, "rw_1")
    assert status.task_id == "rw_1"
    assert status.state is TaskState.RUNNING
    assert fake.requests[0].url.path == "/api/v1/runway/record-detail"


async def test_status_retried_on_server_errors(
    make_client: Callable[..., KieClient], slept: list[float]
) -> None:
    fake = FakeKie(
        envelope(500, "Server Error"),
        httpx.Response(502, text="<html>502 Bad Gateway</html>"),
        envelope(455, "maintenance"),
        ok(MARKET_DONE),
    )
    async with make_client(fake) as client:
        status = await client.get_status(ApiFamily.MARKET, "task_1")
    assert status.state is TaskState.SUCCEEDED
    assert len(fake.requests) == 4
    assert len(slept) == 3


async def test_status_retried_on_transport_errors_and_429(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(read_timeout(), envelope(429), refused(), ok(MARKET_DONE))
    async with make_client(fake) as client:
        status = await client.get_status(ApiFamily.MARKET, "task_1")
    assert status.state is TaskState.SUCCEEDED
    assert len(fake.requests) == 4


async def test_status_retries_are_bounded(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(envelope(500))
    async with make_client(fake, read_policy=RetryPolicy(attempts=3)) as client:
        with pytest.raises(KieServerError):
            await client.get_status(ApiFamily.MARKET, "task_1")
    assert len(fake.requests) == 3


async def test_unknown_task_is_not_found_without_retry(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(envelope(422, "recordInfo is null"))
    async with make_client(fake) as client:
        with pytest.raises(KieNotFound):
            await client.get_status(ApiFamily.MARKET, "nope")
    assert len(fake.requests) == 1


async def test_status_without_data_is_protocol_error(
    make_client: Callable[..., KieClient],
) -> None:
    async with make_client(FakeKie(ok(None))) as client:
        with pytest.raises(KieProtocolError):
            await client.get_status(ApiFamily.VEO, "t")


# -- upload ----------------------------------------------------------------------------------

UPLOAD_DOC = {
    "success": True,
    "code": 200,
    "msg": "File uploaded successfully",
    "data": {
        "fileName": "cat.png",
        "filePath": "kiegram/cat.png",
        "downloadUrl": "https://tempfile.redpandaai.co/xxx/kiegram/cat.png",
        "fileSize": 4,
        "mimeType": "image/png",
        "uploadedAt": "2025-01-01T12:00:00.000Z",
    },
}
UPLOAD_QUICKSTART = {
    "success": True,
    "code": 200,
    "msg": "File uploaded successfully",
    "data": {
        "fileId": "f1",
        "fileUrl": "https://tempfile.redpandaai.co/yyy/cat.png",
        "originalName": "cat.png",
        "expiresAt": "2025-01-02T12:00:00.000Z",
    },
}


@pytest.mark.parametrize(
    ("reply", "url"),
    [
        (UPLOAD_DOC, "https://tempfile.redpandaai.co/xxx/kiegram/cat.png"),
        (UPLOAD_QUICKSTART, "https://tempfile.redpandaai.co/yyy/cat.png"),
        ({"code": 200, "data": {"url": "https://t.example/z.png"}}, "https://t.example/z.png"),
    ],
)
async def test_upload_both_response_variants(
    make_client: Callable[..., KieClient], reply: dict[str, Any], url: str
) -> None:
    fake = FakeKie(httpx.Response(200, json=reply))
    async with make_client(fake) as client:
        assert await client.upload_file(b"\x89PNG", "cat.png") == url
    [request] = fake.requests
    assert str(request.url) == "https://kieai.redpandaai.co/api/file-stream-upload"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = request.read()
    assert b'name="uploadPath"\r\n\r\nkiegram\r\n' in body
    assert b'name="fileName"\r\n\r\ncat.png\r\n' in body
    assert b'name="file"; filename="cat.png"' in body
    assert b"Content-Type: image/png" in body
    assert b"\x89PNG" in body


async def test_upload_from_async_chunks_and_retry_on_5xx(
    make_client: Callable[..., KieClient],
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"hello "
        yield b"world"

    fake = FakeKie(envelope(500), refused(), httpx.Response(200, json=UPLOAD_DOC))
    async with make_client(fake) as client:
        url = await client.upload_file(chunks(), "note.txt", upload_path="/users/42/")
    assert url.endswith("/kiegram/cat.png")
    assert len(fake.requests) == 3
    body = fake.requests[-1].read()
    assert b"hello world" in body
    assert b'name="uploadPath"\r\n\r\nusers/42\r\n' in body


async def test_upload_reply_without_url(make_client: Callable[..., KieClient]) -> None:
    async with make_client(FakeKie(ok({"fileName": "x"}))) as client:
        with pytest.raises(KieProtocolError):
            await client.upload_file(b"x", "x.bin")


# -- common API --------------------------------------------------------------------------------


async def test_get_credits(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(ok(100))
    async with make_client(fake) as client:
        assert await client.get_credits() == 100.0
    assert fake.requests[0].url.path == "/api/v1/chat/credit"


async def test_download_url(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(ok("https://tempfile.aiquickdraw.com/direct.mp4"))
    async with make_client(fake) as client:
        got = await client.download_url("https://tempfile.aiquickdraw.com/v.mp4")
    assert got == "https://tempfile.aiquickdraw.com/direct.mp4"
    assert fake.requests[0].url.path == "/api/v1/common/download-url"
    assert json.loads(fake.requests[0].content) == {"url": "https://tempfile.aiquickdraw.com/v.mp4"}


# -- download ------------------------------------------------------------------------------


async def test_download_never_sends_the_key_to_foreign_hosts(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(httpx.Response(200, content=b"video-bytes"))
    async with make_client(fake) as client:
        data = await client.download("https://tempfile.aiquickdraw.com/v.mp4", max_bytes=1000)
    assert data == b"video-bytes"
    assert "Authorization" not in fake.requests[0].headers


async def test_download_not_fooled_by_lookalike_host(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(httpx.Response(200, content=b"x"))
    async with make_client(fake) as client:
        await client.download("https://api.kie.ai.evil.example/x", max_bytes=10)
        await client.download("http://api.kie.ai/x", max_bytes=10)
    assert all("Authorization" not in r.headers for r in fake.requests)


async def test_download_from_kie_host_is_authorised(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(httpx.Response(200, content=b"x"))
    async with make_client(fake) as client:
        await client.download("https://kieai.redpandaai.co/files/x.png", max_bytes=10)
    assert fake.requests[0].headers["Authorization"] == f"Bearer {KEY}"


async def test_download_redirect_to_foreign_host_drops_the_key(
    make_client: Callable[..., KieClient],
) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.kie.ai":
            return httpx.Response(302, headers={"Location": "https://cdn.example/x.png"})
        return httpx.Response(200, content=b"img")

    fake = FakeKie(route)
    async with make_client(fake) as client:
        assert await client.download("https://api.kie.ai/files/x.png", max_bytes=10) == b"img"
    assert [r.url.host for r in fake.requests] == ["api.kie.ai", "cdn.example"]
    assert "Authorization" not in fake.requests[1].headers


async def test_download_over_limit_by_content_length(
    make_client: Callable[..., KieClient],
) -> None:
    fake = FakeKie(httpx.Response(200, content=b"x" * 11))
    async with make_client(fake) as client:
        with pytest.raises(KieFileTooLarge) as caught:
            await client.download("https://cdn.example/big", max_bytes=10)
    assert caught.value.max_bytes == 10
    assert len(fake.requests) == 1


async def test_download_over_limit_while_streaming(make_client: Callable[..., KieClient]) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"12345"

    fake = FakeKie(lambda request: httpx.Response(200, content=body()))
    async with make_client(fake) as client:
        with pytest.raises(KieFileTooLarge):
            await client.download("https://cdn.example/stream", max_bytes=12)


async def test_download_exactly_at_limit(make_client: Callable[..., KieClient]) -> None:
    async with make_client(FakeKie(httpx.Response(200, content=b"x" * 10))) as client:
        assert await client.download("https://cdn.example/ok", max_bytes=10) == b"x" * 10


async def test_download_errors(make_client: Callable[..., KieClient]) -> None:
    fake = FakeKie(httpx.Response(404), httpx.Response(503), httpx.Response(200, content=b"ok"))
    async with make_client(fake) as client:
        with pytest.raises(KieNotFound):
            await client.download("https://cdn.example/gone", max_bytes=10)
        assert await client.download("https://cdn.example/flaky", max_bytes=10) == b"ok"
        with pytest.raises(KieInvalidInput):
            await client.download("file:///etc/passwd", max_bytes=10)
    assert len(fake.requests) == 3


# -- the key stays secret --------------------------------------------------------------------


def test_key_not_in_client_repr() -> None:
    client = KieClient(KEY)
    assert KEY not in repr(client)
    assert KEY not in str(client)


@pytest.mark.parametrize("bad", ["", "two words", "line\nbreak"])
def test_bad_keys_rejected_without_echo(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        KieClient(bad)
    assert bad not in str(caught.value) or bad == ""


@pytest.mark.parametrize(
    "reply",
    [
        envelope(401, f"invalid key {KEY}"),
        envelope(422, f"bad input Bearer {KEY}"),
        httpx.Response(403, text=f"denied for {KEY}"),
        httpx.Response(500, text=f"crash {KEY}"),
        httpx.ConnectError(f"refused while sending {KEY}"),
        httpx.ReadTimeout(f"timeout {KEY}"),
        httpx.Response(200, json={"code": 200, "data": None}),
    ],
)
async def test_key_never_in_errors_or_logs(
    make_client: Callable[..., KieClient],
    reply: httpx.Response | Exception,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeKie(reply)
    async with make_client(fake) as client:
        for call in (
            lambda: client.create_task(ApiFamily.MARKET, "m", {}, None),
            lambda: client.get_status(ApiFamily.MARKET, "t"),
            lambda: client.upload_file(b"x", "x.png"),
        ):
            with pytest.raises(KieError) as caught:
                await call()
            error = caught.value
            assert KEY not in str(error)
            assert KEY not in repr(error)
            assert KEY not in error.message
            assert "***" in error.message or KEY not in str(reply)
    assert KEY not in caplog.text
