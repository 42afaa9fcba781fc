"""Whatever is POSTed to the webhook, the answer is 200 or 4xx, never 500 (Telegram would
re-send it forever); a text no database stores is refused with a clear line to its sender."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from kit import WebhookTelegram
from kit.telegram_webhook import SECRET_HEADER
from scale_kit import Instance, free_port

from kiegram.settings import Settings

USER = {"id": 77, "is_bot": False, "first_name": "Fuzz", "language_code": "ru"}
CHAT = {"id": 77, "type": "private"}


def _message(**content: Any) -> dict[str, Any]:
    return {"message_id": 5, "date": 1, "chat": CHAT, "from": USER, **content}


DOCUMENT = {"file_id": "f", "file_unique_id": "u", "file_name": "a\x00.png"}
NUL_PRESS = {"id": "c", "from": USER, "chat_instance": "1", "data": "j:\x00"}
LONG_COMMAND = {"type": "bot_command", "offset": 0, "length": 99}


def _nested(depth: int) -> str:
    return '{"update_id": 9, "message": ' + "[" * depth + "]" * depth + "}"


MALFORMED: list[bytes | str] = [
    b"",
    b"not json",
    b"{",
    b"{}",
    b"[]",
    b"null",
    b"42",
    b'"text"',
    b'{"update_id": "12"}',
    b'{"update_id": 12.5}',
    b'{"update_id": null}',
    b'{"update_id": true}',
    b'{"update_id": 13}',
    b'{"update_id": 14, "message": null}',
    b'{"update_id": 15, "message": 7}',
    b'{"update_id": 16, "message": {}}',
    b'{"update_id": 17, "message": {"text": "hi"}}',
    b'{"update_id": 18, "callback_query": {"id": 1}}',
    b'{"update_id": 19, "business_rocket_launch": {"id": 1}}',
    b'{"update_id": 20, "message": {"message_id": "x", "date": 1, "chat": {"id": 1}}}',
    _nested(5000),
    _nested(1000),
    _nested(100),
    '{"update_id": 21, "message": ' + json.dumps(_message(text="\ud800")) + "}",
    b'{"update_id": 22, "message": ' + json.dumps(_message(text="\ud800x")).encode() + b"}",
    b"\xff\xfe\x00",
    b'{"update_id": 23, "message": {"message_id": 1, "date": 1, "text": "\xff"}}',
    json.dumps({"update_id": 24, "message": _message(text="a\x00b")}),
    json.dumps({"update_id": 25, "edited_message": _message(text="x\x00")}),
    json.dumps({"update_id": 26, "message": _message(document=DOCUMENT)}),
    json.dumps({"update_id": 27, "callback_query": NUL_PRESS}),
    json.dumps({"update_id": 28, "message": _message(text="/start", entities=[LONG_COMMAND])}),
]  # fmt: skip


def _random_bodies(count: int, rng: random.Random) -> list[bytes]:
    """Mutations of a real update: truncated, bytes flipped, fields dropped or retyped."""
    base = json.dumps({"update_id": 1000, "message": _message(text="/start")}).encode()
    bodies = []
    for index in range(count):
        body = bytearray(base.replace(b"1000", str(1000 + index).encode()))
        kind = index % 4
        if kind == 0:
            body = body[: rng.randrange(len(body))]
        elif kind == 1:
            for _ in range(rng.randrange(1, 4)):
                body[rng.randrange(len(body))] = rng.randrange(256)
        elif kind == 2:
            value: Any = rng.choice([None, 0, -1, "", [], {}, "\x00", 2**70, "\udfff"])
            update = json.loads(base)
            update["update_id"] = 1000 + index
            field = rng.choice(["text", "chat", "from", "date", "message_id", "entities"])
            update["message"][field] = value
            body = bytearray(json.dumps(update).encode())
        else:
            body = bytearray(json.dumps([rng.random(), {"update_id": index}]).encode())
        bodies.append(bytes(body))
    return bodies


@pytest.fixture
async def alone(tmp_path: Path, pg_url: str) -> AsyncIterator[tuple[WebhookTelegram, Instance]]:
    telegram = WebhookTelegram(secret="s")
    await telegram.start()
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        webhook_url="http://127.0.0.1/webhook",
        webhook_secret="s",
        database_url=pg_url,
        redis_url="",
        data_dir=tmp_path,
        http_port=free_port(),
    )  # type: ignore[call-arg]
    instance = Instance("fuzz", settings)
    await instance.start()
    telegram.set_webhooks([instance.webhook_url])
    yield telegram, instance
    await instance.stop()
    await telegram.stop()


async def _post(url: str, body: bytes | str) -> int:
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    headers = {SECRET_HEADER: "s", "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as reply:
        await reply.read()
        return reply.status


async def test_no_body_gets_a_5xx(alone: tuple[WebhookTelegram, Instance]) -> None:
    telegram, instance = alone
    bodies = [*MALFORMED, *_random_bodies(160, random.Random(26))]
    statuses = [await _post(instance.webhook_url, body) for body in bodies]
    failed = [(s, b[:80]) for s, b in zip(statuses, bodies, strict=True) if not s < 500]
    assert failed == []
    assert statuses[:4] == [400, 400, 400, 400]  # no update in them: nothing to re-send
    assert statuses[MALFORMED.index(b'{"update_id": 14, "message": null}')] == 200
    assert (
        statuses[MALFORMED.index(b'{"update_id": 19, "business_rocket_launch": {"id": 1}}')] == 200
    )
    assert instance.app is not None
    metrics = instance.app.metrics.render().decode()
    assert 'kiegram_refused_updates_total{reason="unknown_type"}' in metrics
    assert 'kiegram_refused_updates_total{reason="not_json"}' in metrics
    user = telegram.user(12)  # the bot still serves
    assert await user.send("/start")


async def test_a_nul_or_a_lone_surrogate_is_refused_with_a_clear_line(
    alone: tuple[WebhookTelegram, Instance],
) -> None:
    telegram, instance = alone
    user = telegram.user(13)
    await user.send("/start")
    for calls in (
        await user.press_data("j:\x00"),
        await user.send("привет\x00"),
        await user.send("broken \ud83d"),
    ):
        texts = [str(c.params.get("text")) for c in calls if c.method == "sendmessage"]
        assert texts and "нулевой байт" in texts[-1], texts
        assert not any("Не получилось" in t for t in texts)
    assert instance.app is not None
    assert 'kiegram_refused_updates_total{reason="bad_text"} 3.0' in (
        instance.app.metrics.render().decode()
    )
    await user.send("/start")  # and the next update is handled as usual
    assert "Привет" in user.last_text()
