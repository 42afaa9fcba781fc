"""/cancel reaches a chat answer streaming on another instance (two webhook instances on one
PostgreSQL, with Redis and without): the flag goes through the shared store, the streaming
instance stops at its next edit and settles what was consumed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from kit import WebhookTelegram
from kit.databases import redis_url
from redis.asyncio import Redis
from scale_kit import Balancer, Instance, instance_settings, shared_settings

from kiegram.bot.chat_desk import ChatDesk
from kiegram.sandbox import SandboxServer

UID = 920_002  # even: the pinned route sends this user's updates to the first instance


def chat_desk(instance: Instance) -> ChatDesk:
    assert instance.app is not None
    desk: ChatDesk = instance.app.dp["chat_desk"]
    return desk


async def money(instance: Instance) -> tuple[int, int]:
    assert instance.app is not None
    account = await instance.call(instance.app.desk.ledger.account(UID))
    return account.balance, account.held


@pytest.mark.parametrize("shared", ["redis", "database"])
async def test_cancel_on_another_instance_stops_the_answer(
    seams: tuple[WebhookTelegram, SandboxServer, Balancer],
    pg_url: str,
    prefix: str,
    tmp_path: Path,
    shared: str,
) -> None:
    telegram, sandbox, balancer = seams
    telegram.route = "pinned"
    base = shared_settings(
        telegram.token,
        telegram.base_url,
        sandbox.base_url,
        balancer.url,
        pg_url,
        prefix,
        chat_edit_seconds=0.3,
        free_daily_generations=0,
    )
    if shared == "database":
        base["redis_url"] = ""
    streaming, other = (Instance(n, instance_settings(base, tmp_path / n)) for n in "ab")
    for instance in (streaming, other):
        await instance.start()
    balancer.backends = [streaming.url, other.url]
    telegram.set_webhooks([streaming.webhook_url, other.webhook_url])
    user = telegram.user(UID)
    try:
        app = streaming.app
        assert app is not None
        await streaming.call(app.desk.users.touch(UID, None, "ru"))
        await streaming.call(app.desk.ledger.grant(UID, 100, "grant", 999, "test"))
        await user.send("/chat")
        await user.send("Напиши длинную поэму sandbox:slow")
        await telegram.wait_for(lambda: "▌" in user.last_text(), timeout=15)
        assert chat_desk(streaming).busy(UID) and not chat_desk(other).busy(UID)
        held = (await money(streaming))[1]
        assert held > 0

        cancel = {"update_id": 10_000, "message": user._message(text="/cancel")}
        assert await telegram.post(other.webhook_url, cancel) == 200  # behind the balancer

        assert any("Остановила ответ" in str(m.get("text")) for m in user.chat())
        await telegram.wait_for(lambda: "остановлено" in str(user.chat()), timeout=10)
        stopped = next(m for m in user.chat() if "остановлено" in str(m.get("text")))
        assert "▌" not in stopped["text"]
        for _ in range(100):  # the footer is out; the outcome is noted just after it
            if UID in chat_desk(streaming).finished:
                break
            await asyncio.sleep(0.05)
        assert chat_desk(streaming).finished[UID].outcome == "cancelled"
        assert not chat_desk(streaming).busy(UID)
        balance, still_held = await money(streaming)
        assert still_held == 0 and 1 <= 100 - balance < held  # what was consumed
        if shared == "redis":  # the flag went through Redis, not the database
            client: Redis = Redis.from_url(redis_url())
            flags = [k async for k in client.scan_iter(match=f"{prefix}:chat-cancel:*")]
            await client.aclose()
            assert len(flags) == 1
    finally:
        for instance in (streaming, other):
            await instance.stop()
