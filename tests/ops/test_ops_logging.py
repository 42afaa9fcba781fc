"""Structured log lines with context fields, and no secret in any captured line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from aiohttp import web

from kiegram.ops.logging import log_context, setup_logging
from kiegram.ops.redaction import REDACTOR, register_secret

TOKEN = "7654321:AAH-secret-token-value-abcdefghijkl"
KIE_KEY = "kie-key-0123456789abcdef"
WEBHOOK_SECRET = "tg-webhook-secret-xyz"
KIE_WEBHOOK_KEY = "kie-callback-key-987"
SECRETS = (TOKEN, KIE_KEY, WEBHOOK_SECRET, KIE_WEBHOOK_KEY, TOKEN.split(":")[1])


@pytest.fixture
def capture() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    REDACTOR.clear()


def _register_all() -> None:
    for secret in (TOKEN, KIE_KEY, WEBHOOK_SECRET, KIE_WEBHOOK_KEY):
        register_secret(secret)


async def _scripted_run() -> None:
    log = logging.getLogger("kiegram.test")
    with log_context(update_id=41, user_id=7):
        log.info("got update for bot %s with key %s", TOKEN, KIE_KEY)
        with log_context(job_id=12, task_id="task-abc"):
            log.info("photo at https://api.telegram.org/file/bot%s/photos/file_1.jpg", TOKEN)
    try:
        raise RuntimeError(f"Telegram said no to /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("send failed")

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        await client.get(f"https://api.telegram.org/bot{TOKEN}/getMe")
        await client.get("https://api.kie.ai/api/v1/chat/credit", headers={"x": KIE_KEY})

    async def ok(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/{tail:.*}", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with httpx.AsyncClient() as client:
        await client.get(f"http://127.0.0.1:{port}/kie/callback?key={KIE_WEBHOOK_KEY}")
        await client.get(f"http://127.0.0.1:{port}/webhook/{WEBHOOK_SECRET}")
        await client.get(f"http://127.0.0.1:{port}/file/bot{TOKEN}/videos/v.mp4")
    await runner.cleanup()


async def test_json_lines_carry_context_and_no_secret(capture: io.StringIO) -> None:
    setup_logging("INFO", "json", stream=capture)
    _register_all()
    await _scripted_run()

    output = capture.getvalue()
    for secret in SECRETS:
        assert secret not in output
    lines = [json.loads(line) for line in output.splitlines()]
    loggers = {line["logger"] for line in lines}
    assert {"kiegram.test", "httpx", "aiohttp.access"} <= loggers
    first = lines[0]
    assert first["update_id"] == 41 and first["user_id"] == 7 and first["level"] == "INFO"
    assert "job_id" not in first
    second = lines[1]
    assert second["job_id"] == 12 and second["task_id"] == "task-abc"
    assert second["msg"] == "photo at ***"
    failure = next(line for line in lines if line["msg"] == "send failed")
    assert "RuntimeError" in failure["exc"] and "/bot***/sendMessage" in failure["exc"]
    assert "update_id" not in failure
    access = [line["msg"] for line in lines if line["logger"] == "aiohttp.access"]
    assert len(access) == 3 and any("/kie/callback?key=***" in line for line in access)


async def test_text_lines_are_readable_key_value(capture: io.StringIO) -> None:
    setup_logging("INFO", "text", stream=capture)
    _register_all()
    await _scripted_run()

    output = capture.getvalue()
    for secret in SECRETS:
        assert secret not in output
    first = output.splitlines()[0]
    assert "INFO" in first and "kiegram.test: got update for bot *** with key ***" in first
    assert first.endswith("update_id=41 user_id=7")
    assert any("GET https://api.telegram.org/bot***/getMe" in line for line in output.splitlines())
    failure = next(line for line in output.splitlines() if "send failed" in line)
    assert "exc=" in failure and "Traceback" in failure


def test_unregistered_token_shapes_are_masked(capture: io.StringIO) -> None:
    setup_logging("DEBUG", "text", stream=capture)
    logging.getLogger("aiogram.event").debug("token %s", "123456789:" + "x" * 35)
    assert "x" * 35 not in capture.getvalue()
    assert "token ***" in capture.getvalue()


def test_setup_twice_keeps_one_handler(capture: io.StringIO) -> None:
    setup_logging("INFO", "text", stream=capture)
    setup_logging("INFO", "text", stream=capture)
    logging.getLogger("kiegram.twice").info("once")
    assert capture.getvalue().count("once") == 1
