"""An album's files reach several instances: one of them answers it, with every file, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from kit import WebhookTelegram
from kit.databases import delete_prefix, redis_url, unique_prefix
from redis.asyncio import Redis
from scale_kit import Balancer, Instance, instance_settings, shared_settings
from sqlalchemy import text

from kiegram.bot.albums import AlbumBuffer, AlbumCollector, MemoryAlbums
from kiegram.jsontext import loads
from kiegram.sandbox import SandboxServer
from kiegram.sandbox.media import tiny_png
from kiegram.scale import RedisAlbums
from kiegram.storage.db import create_engine
from kiegram.wizard import MediaRef

QUIET = 0.15


class Chat:
    """What the collector uses of a conversation: the bot and the translator."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.bot = self
        self.chat_id = 42

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))

    def t(self, key: str, **_: Any) -> str:
        return key


class Process:
    """One process's collector; records the albums it answered."""

    def __init__(self, buffer: AlbumBuffer) -> None:
        self.answered: list[tuple[list[str], str]] = []
        self.chat = Chat()
        self.collector = AlbumCollector(self._finish, quiet=QUIET, buffer=buffer)

    async def _finish(self, _conv: Any, items: list[MediaRef], sid: str) -> None:
        self.answered.append(([i.ref for i in items], sid))

    async def add(self, group: str, n: int) -> None:
        ref = MediaRef(f"tg:photo{n}", "image", "image/jpeg", 1000 + n, f"p{n}.jpg")
        await self.collector.add(42, group, [ref], self.chat, "sid-1")  # type: ignore[arg-type]


@pytest.fixture
async def redis_prefix() -> AsyncIterator[tuple[Redis, str]]:
    prefix = unique_prefix("kiegram-albums")
    client: Redis = Redis.from_url(redis_url())
    yield client, prefix
    await client.aclose()
    await delete_prefix(redis_url(), prefix)


async def settled(*instances: Process) -> None:
    await asyncio.sleep(QUIET * 3)
    for instance in instances:
        await instance.collector.aclose()


async def test_an_album_spread_over_two_instances_is_answered_once_with_every_file(
    redis_prefix: tuple[Redis, str],
) -> None:
    client, prefix = redis_prefix
    a, b = Process(RedisAlbums(client, prefix)), Process(RedisAlbums(client, prefix))
    for n in range(5):  # round-robin, as a load balancer spreads them
        await (a if n % 2 == 0 else b).add("g1", n)
    await settled(a, b)
    assert a.answered == [([f"tg:photo{n}" for n in range(5)], "sid-1")]
    assert b.answered == [] and b.chat.sent == []
    assert a.chat.sent == [(42, "bot.wizard.album_wait")]  # said once, by the one answering
    assert [k async for k in client.scan_iter(match=f"{prefix}:*")] == []  # nothing left


async def test_files_keep_their_details_through_redis(redis_prefix: tuple[Redis, str]) -> None:
    client, prefix = redis_prefix
    buffer = RedisAlbums(client, prefix)
    ref = MediaRef("tg:abc", "video", "video/mp4", 12_345, "clip.mp4", 7.5)
    assert await buffer.add("7:g", [ref]) == 1
    assert await buffer.add("7:g", []) == 2
    assert await buffer.adds("7:g") == 2
    assert await buffer.take("7:g") == [ref]
    assert await buffer.adds("7:g") == 0 and await buffer.take("7:g") == []


async def test_a_late_file_restarts_the_quiet_period(redis_prefix: tuple[Redis, str]) -> None:
    client, prefix = redis_prefix
    a, b = Process(RedisAlbums(client, prefix)), Process(RedisAlbums(client, prefix))
    await a.add("g2", 0)
    await asyncio.sleep(QUIET * 0.7)
    await b.add("g2", 1)
    await asyncio.sleep(QUIET * 0.7)
    await b.add("g2", 2)
    await settled(a, b)
    assert a.answered == [(["tg:photo0", "tg:photo1", "tg:photo2"], "sid-1")]


async def test_two_albums_of_one_chat_stay_apart_in_one_process() -> None:
    one = Process(MemoryAlbums())
    await asyncio.gather(one.add("x", 0), one.add("y", 1), one.add("x", 2))
    await settled(one)
    assert sorted(one.answered) == [(["tg:photo0", "tg:photo2"], "sid-1"), (["tg:photo1"], "sid-1")]
    assert one.chat.sent == [(42, "bot.wizard.album_wait")] * 2


async def test_an_album_through_two_webhook_instances_reaches_the_request_whole(
    seams: tuple[WebhookTelegram, SandboxServer, Balancer], pg_url: str, prefix: str, tmp_path: Path
) -> None:
    telegram, sandbox, balancer = seams
    uid = 910_001
    base = shared_settings(
        telegram.token,
        telegram.base_url,
        sandbox.base_url,
        balancer.url,
        pg_url,
        prefix,
        admin_ids=[uid],  # generations free: the test is about the files
    )
    instances = [Instance(n, instance_settings(base, tmp_path / n)) for n in ("a", "b")]
    for instance in instances:
        await instance.start()
    balancer.backends = [i.url for i in instances]
    telegram.set_webhooks([i.webhook_url for i in instances])  # round-robin
    user = telegram.user(uid)
    try:
        await user.send("/model seedream/4.5-edit")
        await user.send_album([tiny_png(rgb=(i * 40, 10, 10)) for i in range(4)])
        await telegram.wait_for(lambda: "Шаг 2 из 2" in user.last_text(), timeout=15)
        texts = [str(m.get("text") or "") for m in user.chat()]
        assert texts.count("Получаю файлы…") == 1
        assert all(i.handled > 0 for i in instances)  # the album was spread over both
        await user.send("make them all look like a comic")
        assert "4 файла" in user.last_text()
        await user.click("Запустить генерацию")
        await telegram.wait_for(
            lambda: any(c.method == "sendphoto" for c in telegram.calls), timeout=30
        )
        engine = create_engine(pg_url)
        async with engine.connect() as conn:
            payloads = (await conn.execute(text("SELECT payload FROM jobs"))).scalars().all()
        await engine.dispose()
        (payload,) = [p if isinstance(p, dict) else loads(p) for p in payloads]
        assert len(payload["image_urls"]) == 4
    finally:
        for instance in instances:
            await instance.stop()


class BrokenTake(MemoryAlbums):
    """Redis went away between the files and their collection."""

    async def take(self, key: str) -> list[MediaRef]:
        raise ConnectionError("redis is gone")


async def test_an_album_that_cannot_be_collected_is_answered_with_an_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    one = Process(BrokenTake())
    await one.add("z", 0)
    await settled(one)
    assert one.answered == []
    assert one.chat.sent == [(42, "bot.wizard.album_wait"), (42, "bot.failed")]
    assert "album 42:z could not be answered" in caplog.text


async def test_a_shutdown_answers_an_album_still_arriving_with_what_came() -> None:
    one = Process(MemoryAlbums())
    one.collector.quiet = 30.0  # the stop comes long before the quiet period ends
    await one.add("s", 0)
    await one.add("s", 1)
    await asyncio.wait_for(one.collector.aclose(), 5)
    assert one.answered == [(["tg:photo0", "tg:photo1"], "sid-1")]
    assert one.chat.sent == [(42, "bot.wizard.album_wait")]
