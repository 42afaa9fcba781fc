"""Conversations in Redis: aiogram's keys, one read and one write per update, one user's
updates in turn across instances; the client's timeouts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from kit.databases import redis_url
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection
from redis.exceptions import TimeoutError as RedisTimeoutError

from kiegram.fsm.base import CachedStorage, ConversationScope
from kiegram.fsm.redis import RedisConversations
from kiegram.scale.redis_store import connect

KEY = StorageKey(bot_id=42, chat_id=7, user_id=7)


class CountingConnection(Connection):
    """Counts what it sends: one command, or one pipeline, is one round trip."""

    sent: list[int]

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sent.append(1)
        await super().send_packed_command(command, check_health)


def keys(prefix: str) -> DefaultKeyBuilder:
    return DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True, with_destiny=True)


def instance(client: Redis, prefix: str) -> tuple[CachedStorage, ConversationScope]:
    """One bot instance's storage and event isolation, as the composition root builds them."""
    shared = RedisConversations(client, keys(prefix))
    storage = CachedStorage(shared)
    return storage, storage.create_isolation(shared=shared)


async def test_what_aiograms_storage_kept_reads_back_and_the_other_way(prefix: str) -> None:
    client: Redis = Redis.from_url(redis_url())
    theirs = RedisStorage(client, key_builder=keys(prefix))
    ours = CachedStorage(RedisConversations(client, keys(prefix)))
    await theirs.set_state(KEY, "Wizard:step")
    await theirs.set_data(KEY, {"lang": "ru", "wz": {"model": "z-image", "values": {}}})
    assert await ours.get_state(KEY) == "Wizard:step"
    assert await ours.get_data(KEY) == {"lang": "ru", "wz": {"model": "z-image", "values": {}}}

    await ours.update_data(KEY, {"lang": "en"})
    await ours.set_state(KEY, "Wizard:confirm")
    assert await theirs.get_state(KEY) == "Wizard:confirm"
    assert (await theirs.get_data(KEY))["lang"] == "en"
    await ours.set_state(KEY, None)
    await ours.set_data(KEY, {})
    assert await client.exists(keys(prefix).build(KEY, "state")) == 0  # deleted, as aiogram does
    assert await client.exists(keys(prefix).build(KEY, "data")) == 0
    assert (await ours.get_state(KEY), await ours.get_data(KEY)) == (None, {})
    await client.aclose()


async def test_an_update_reads_its_conversation_once_and_writes_it_once(prefix: str) -> None:
    CountingConnection.sent = []
    pool = ConnectionPool.from_url(redis_url(), connection_class=CountingConnection)
    client = Redis(connection_pool=pool)
    storage, scope = instance(client, prefix)
    async with scope.lock(KEY):  # the first update also opens the connection
        await storage.set_data(KEY, {"lang": "ru"})

    CountingConnection.sent.clear()
    async with scope.lock(KEY):
        assert await storage.get_state(KEY) is None
        assert await storage.get_data(KEY) == {"lang": "ru"}
        await storage.set_state(KEY, "Wizard:step")
        await storage.update_data(KEY, {"wz": {"model": "flux-2"}})
        await storage.update_data(KEY, {"wz": {"model": "flux-2", "values": {"n": 1}}})
        assert await storage.get_state(KEY) == "Wizard:step"
    # The lock taken with the conversation read, then both fields written with the lock
    # given back. aiogram's storage and isolation sent a command for the lock, each read,
    # each write and the release: ten here.
    assert len(CountingConnection.sent) == 2

    CountingConnection.sent.clear()
    async with scope.lock(KEY):  # reads only: nothing is written
        assert await storage.get_data(KEY) == {
            "lang": "ru",
            "wz": {"model": "flux-2", "values": {"n": 1}},
        }
        await storage.set_state(KEY, "Wizard:step")  # what is stored already
    assert len(CountingConnection.sent) == 2
    fresh = CachedStorage(RedisConversations(client, keys(prefix)))
    assert await fresh.get_state(KEY) == "Wizard:step"
    await client.aclose()


async def test_one_users_updates_take_turns_across_instances(prefix: str) -> None:
    first_client, second_client = Redis.from_url(redis_url()), Redis.from_url(redis_url())
    first, first_scope = instance(first_client, prefix)
    second, second_scope = instance(second_client, prefix)
    inside = asyncio.Event()
    leave = asyncio.Event()
    seen: list[dict[str, Any]] = []

    async def on_first() -> None:
        async with first_scope.lock(KEY):
            await first.update_data(KEY, {"wz_msg": 1})
            inside.set()
            await leave.wait()

    async def on_second() -> None:
        await inside.wait()
        async with second_scope.lock(KEY):
            seen.append(await second.get_data(KEY))

    tasks = [asyncio.create_task(on_first()), asyncio.create_task(on_second())]
    await inside.wait()
    await asyncio.sleep(0.5)  # the second instance polls the lock every 0.1 s meanwhile
    assert seen == []
    leave.set()
    await asyncio.gather(*tasks)
    # It ran after the first update, and saw what the first one stored when it ended.
    assert seen == [{"wz_msg": 1}]
    assert await first_client.exists(keys(prefix).build(KEY, "lock")) == 0  # given back
    await first_client.aclose()
    await second_client.aclose()


async def test_an_instance_of_the_previous_release_is_kept_out_while_one_holds_the_lock(
    prefix: str,
) -> None:
    """During a rolling upgrade, instances on aiogram's own Redis isolation run too."""
    client: Redis = Redis.from_url(redis_url())
    _storage, scope = instance(client, prefix)
    theirs = RedisEventIsolation(client, keys(prefix))
    order: list[str] = []
    inside = asyncio.Event()

    async def previous_release() -> None:
        await inside.wait()
        async with theirs.lock(KEY):
            order.append("theirs")

    waiting = asyncio.create_task(previous_release())
    async with scope.lock(KEY):
        inside.set()
        await asyncio.sleep(0.3)
        order.append("ours")
    await waiting
    assert order == ["ours", "theirs"]

    async with theirs.lock(KEY):  # and the other way round
        held = asyncio.create_task(_enter(scope, order))
        await asyncio.sleep(0.3)
        order.append("theirs again")
    await held
    assert order == ["ours", "theirs", "theirs again", "ours again"]
    await client.aclose()


async def _enter(scope: ConversationScope, order: list[str]) -> None:
    async with scope.lock(KEY):
        order.append("ours again")


async def test_a_lock_that_ran_out_is_not_taken_from_its_new_holder(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    client: Redis = Redis.from_url(redis_url())
    storage, scope = instance(client, prefix)
    lock = keys(prefix).build(KEY, "lock")
    async with scope.lock(KEY):
        await storage.update_data(KEY, {"wz_msg": 3})
        await client.set(lock, "another instance")  # ours ran out; another took it
    assert await client.get(lock) == b"another instance"
    assert "ran out" in caplog.text
    # What the update wrote is still stored (as before the lock passed on).
    assert await CachedStorage(RedisConversations(client, keys(prefix))).get_data(KEY) == {
        "wz_msg": 3
    }
    await client.aclose()


async def fake_redis(
    silent: bytes, silent_script: bytes = b"\0"
) -> tuple[asyncio.Server, int, list[list[bytes]]]:
    """A Redis stand-in that answers every command but `silent` (never) with +OK, nor an
    EVAL whose script holds `silent_script`, and HELLO as Redis 7 does (redis-py 8 opens
    each connection with `HELLO 3`); it records the commands it got."""
    commands: list[list[bytes]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():  # RESP: *N, then $len and the value N times
            if not line.startswith(b"*"):
                continue
            parts = []
            for _ in range(int(line[1:])):
                size = int((await reader.readline())[1:])
                parts.append((await reader.readexactly(size + 2))[:-2])
            commands.append(parts)
            if parts[0].upper() == b"HELLO":
                writer.write(b"%1\r\n$5\r\nproto\r\n:" + parts[1] + b"\r\n")
                await writer.drain()
            elif parts[0].upper() != silent and not (
                parts[0].upper() == b"EVAL" and silent_script in parts[1]
            ):
                writer.write(b"+OK\r\n")
                await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], commands


async def test_a_redis_that_stops_answering_still_fails_the_command_in_time() -> None:
    """The client writes without a timeout of its own (`connect`); the reply's read keeps it."""
    server, port, commands = await fake_redis(silent=b"GET")
    client = connect(f"redis://127.0.0.1:{port}/0?socket_timeout=0.5")
    assert await client.set("k", "v")  # connected, answered
    started = asyncio.get_running_loop().time()
    with pytest.raises(RedisTimeoutError):
        await client.get("k")
    assert 0.4 < asyncio.get_running_loop().time() - started < 3
    assert commands[-1] == [b"GET", b"k"]
    await client.aclose()
    server.close()
    await server.wait_closed()


async def test_an_update_cancelled_while_taking_the_lock_gives_it_back() -> None:
    """Else the user's next updates would wait a minute for the lock to run out."""
    # The take (SET NX, then the read, in one script) sent, its answer never comes.
    server, port, commands = await fake_redis(silent=b"", silent_script=b"mget")
    client = connect(f"redis://127.0.0.1:{port}/0")
    _storage, scope = instance(client, "cancelled")

    async def update() -> None:
        async with scope.lock(KEY):
            raise AssertionError("the lock was never taken")

    task = asyncio.create_task(update())
    for _ in range(100):
        if any(c[0] == b"EVAL" and b"mget" in c[1] for c in commands):
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    taken = next(c for c in commands if c[0] == b"EVAL" and b"mget" in c[1])
    released = [c for c in commands if c[0] == b"EVAL" and b"del" in c[1]]
    lock, token = taken[3], taken[6]
    assert lock == keys("cancelled").build(KEY, "lock").encode()
    assert released and released[-1][3:] == [lock, token]  # the key and our token
    await client.aclose()
    server.close()
    await server.wait_closed()


async def test_an_update_is_marked_handled_with_its_lock_given_back(prefix: str) -> None:
    """Claim, lock and read, then store, release and mark handled: three round trips."""
    from aiogram.types import Update

    from kiegram.scale.dedup import UpdateDedup
    from kiegram.scale.redis_store import RedisUpdateGate

    CountingConnection.sent = []
    pool = ConnectionPool.from_url(redis_url(), connection_class=CountingConnection)
    client = Redis(connection_pool=pool)
    storage, scope = instance(client, prefix)
    gate = RedisUpdateGate(client, prefix, 3.0, 60.0)
    dedup = UpdateDedup(gate)
    await client.ping()  # the connection opened

    async def handler(event: Any, data: dict[str, Any]) -> str:
        async with scope.lock(KEY):
            await storage.set_state(KEY, "Wizard:step")
            if event.update_id == 2:
                raise RuntimeError("the handler failed")
        return "handled"

    CountingConnection.sent.clear()
    assert await dedup(handler, Update(update_id=1), {}) == "handled"
    assert len(CountingConnection.sent) == 3
    assert await gate.handled("0:1")
    assert await dedup(handler, Update(update_id=1), {}) is None  # a re-send: dropped

    # A failed update is not marked: its claim is given back, so a re-send is handled.
    with pytest.raises(RuntimeError):
        await dedup(handler, Update(update_id=2), {})
    assert not await gate.handled("0:2")
    assert await gate.claim("0:2")
    await client.aclose()
