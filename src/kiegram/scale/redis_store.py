"""The scale ports over Redis: SET NX with a TTL for updates, owner-checked leases for locks,
the files of albums being collected, conversations."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.storage.base import KeyBuilder, StorageKey
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.client import Pipeline
from redis.asyncio.connection import Connection

from kiegram.jsontext import dumps, loads
from kiegram.scale.heartbeat import renewed
from kiegram.scale.singleton import process_owner
from kiegram.wizard import MediaRef

log = logging.getLogger(__name__)
ALBUM_SECONDS = 120.0  # an album's files wait this long at most to be taken
# A user's conversation lock, as aiogram's Redis event isolation takes it (`RedisConversations`):
# short, and renewed every third of it while its update runs (`scale.heartbeat`), so a dead
# instance's lock holds the user's next updates up for seconds, not a minute.
LOCK_SECONDS = 4.5
LOCK_POLL = 0.1

# Compare-and-act scripts: only the holder may extend or delete its lock.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
_RELEASE_CLAIM = """
if redis.call('get', KEYS[1]) == 'claimed' then
  return redis.call('del', KEYS[1])
end
return 0
"""


class _Connection(Connection):
    """redis-py's connection, writing a command without a task of its own.

    With a socket timeout (redis-py's default: 5 s) every write goes through
    `asyncio.wait_for`, which on Python 3.11 starts a task per command: ~50 µs of CPU on a
    ~140 µs command. A command of ours is a few hundred bytes and each waits for its reply,
    so a write never waits for the socket; the reply's read keeps the timeout (a Redis that
    stops answering still fails the command). Connecting, and any health check, run with
    the timeout as before. Only `redis://` URLs use it (`rediss://` and `unix://` pick
    redis-py's own connection classes). redis-py has no public switch for this: what it
    relies on is listed and checked in `kiegram.internals` (and pinned: redis<9).
    """

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        if not self.is_connected or self.health_check_interval:
            await super().send_packed_command(command, check_health)
            return
        timeout, self.socket_timeout = self.socket_timeout, None
        try:
            await super().send_packed_command(command, check_health)
        finally:
            self.socket_timeout = timeout


def connect(url: str) -> Redis:
    """A Redis client for `url` (REDIS_URL)."""
    return Redis(connection_pool=ConnectionPool.from_url(url, connection_class=_Connection))


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisUpdateGate:
    """The UpdateGate over Redis keys `<prefix>:update:<key>`."""

    def __init__(
        self, redis: Redis, prefix: str, claim_seconds: float, done_seconds: float
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._claim = claim_seconds
        self._done = done_seconds

    def _key(self, key: str) -> str:
        return f"{self._prefix}:update:{key}"

    async def claim(self, key: str) -> bool:
        """SET NX: only the first claimer (or one after the claim ran out) gets True."""
        return bool(await self._redis.set(self._key(key), "claimed", nx=True, px=_ms(self._claim)))

    async def done(self, key: str) -> None:
        """Keep the key, now marked handled, for the done period."""
        await self._redis.set(self._key(key), "done", px=_ms(self._done))

    async def release(self, key: str) -> None:
        """Delete an unfinished claim."""
        await _script(self._redis, _RELEASE_CLAIM, self._key(key))

    async def renew(self, key: str) -> None:
        """Extend an unfinished claim by the claim period."""
        await _script(self._redis, _RENEW, self._key(key), "claimed", _ms(self._claim))

    async def handled(self, key: str) -> bool:
        """True when `key` is marked handled."""
        return await self._redis.get(self._key(key)) == b"done"


class RedisLocks:
    """The Locks port over Redis keys `<prefix>:lock:<name>` holding the owner."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, name: str) -> str:
        return f"{self._prefix}:lock:{name}"

    async def acquire(self, name: str, owner: str, ttl: float) -> bool:
        """SET NX, or extend when the lock is already ours."""
        if await self._redis.set(self._key(name), owner, nx=True, px=_ms(ttl)):
            return True
        return await self.renew(name, owner, ttl)

    async def renew(self, name: str, owner: str, ttl: float) -> bool:
        """Extend the lock if we hold it."""
        return bool(await _script(self._redis, _RENEW, self._key(name), owner, _ms(ttl)))

    async def release(self, name: str, owner: str) -> bool:
        """Delete the lock if we hold it."""
        return bool(await _script(self._redis, _RELEASE, self._key(name), owner))


async def _script(redis: Redis, source: str, key: str, *args: Any) -> Any:
    return await redis.eval(source, 1, key, *args)


class RedisAlbums:
    """The AlbumBuffer over Redis: `<prefix>:album:<key>:items` (a list of JSON files) and
    `...:adds` (a counter), both expiring, so an album nobody took does not stay."""

    def __init__(self, redis: Redis, prefix: str, ttl: float = ALBUM_SECONDS) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = _ms(ttl)

    def _keys(self, key: str) -> tuple[str, str]:
        base = f"{self._prefix}:album:{key}"
        return f"{base}:items", f"{base}:adds"

    async def add(self, key: str, refs: list[MediaRef]) -> int:
        """Append the files and count the add, in one transaction."""
        items, adds = self._keys(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            if refs:
                pipe.rpush(items, *(dumps(r.to_json()) for r in refs))
            pipe.incr(adds)
            pipe.pexpire(items, self._ttl)
            pipe.pexpire(adds, self._ttl)
            answers = await pipe.execute()
        return int(answers[1 if refs else 0])

    async def adds(self, key: str) -> int:
        """The add counter (0 once taken)."""
        return int(await self._redis.get(self._keys(key)[1]) or 0)

    async def take(self, key: str) -> list[MediaRef]:
        """Read and delete the files and the counter, in one transaction."""
        items, adds = self._keys(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(items, 0, -1)
            pipe.delete(items, adds)
            stored, _ = await pipe.execute()
        return [MediaRef(**loads(raw)) for raw in stored]


class Held:
    """A user's conversation lock while an update runs: the conversation read with it, and
    the writes to store when it is given back (`RedisConversations.hold`)."""

    __slots__ = ("entry", "writes")

    def __init__(self, entry: tuple[str | None, str]) -> None:
        self.entry = entry
        self.writes: dict[str, Any] = {}


class RedisConversations:
    """Conversations in Redis, under aiogram's `RedisStorage` keys (`<key>:state` holding the
    name, `<key>:data` the JSON; neither when empty): what it stored reads back here and the
    other way round. A read is one MGET, a write one round trip (a pipeline for both fields),
    where aiogram's storage spends a command on each `get_state`, `get_data` and `set_...`.

    `hold` is the per-user lock of aiogram's Redis event isolation (SET NX on `<key>:lock`
    with a token, expiring after `LOCK_SECONDS`, polled every `LOCK_POLL` while another
    instance holds it; given back only by its holder), so instances of either kind exclude
    each other. Taking it also reads the conversation, and giving it back stores the update's
    writes: an update costs two round trips where aiogram's pair took one for the lock, each
    read, each write and the release (~8 per update in the benchmark flow).
    """

    def __init__(self, redis: Redis, keys: KeyBuilder) -> None:
        self._redis = redis
        self._keys = keys
        self._owner = process_owner()
        self._tokens = itertools.count()

    async def get(self, key: StorageKey) -> tuple[str | None, str]:
        """The state and the data's JSON text (None and "{}" when there is none)."""
        state, data = await self._redis.mget(*self._fields(key))
        return _entry(state, data)

    async def put(self, key: StorageKey, fields: Mapping[str, Any]) -> None:
        """SET (or DEL, for no state or no data) each field given."""
        writes = [self._write(key, field, value) for field, value in fields.items()]
        if len(writes) == 1:
            redis_key, text = writes[0]
            await (self._redis.set(redis_key, text) if text else self._redis.delete(redis_key))
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            self._queue(pipe, writes)
            await pipe.execute()

    @asynccontextmanager
    async def hold(self, key: StorageKey) -> AsyncIterator[Held]:
        """Wait for the user's lock, read the conversation with it; on leaving, store what
        `Held.writes` holds and give the lock back, in one round trip each way."""
        lock = self._keys.build(key, "lock")
        token = f"{self._owner}:{next(self._tokens)}"
        while True:
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    pipe.set(lock, token, nx=True, px=_ms(LOCK_SECONDS))
                    pipe.mget(*self._fields(key))
                    taken, stored = await pipe.execute()
            except asyncio.CancelledError:
                # Cancelled with the SET perhaps done: give back what may be ours, or the
                # user's next updates would wait for it to run out (LOCK_SECONDS).
                with contextlib.suppress(Exception):
                    await self._redis.eval(_RELEASE, 1, lock, token)
                raise
            if taken:
                break
            await asyncio.sleep(LOCK_POLL)
        held = Held(_entry(*stored))
        try:
            async with renewed(LOCK_SECONDS, lambda: self._renew(lock, token)):
                yield held
        finally:
            writes = [self._write(key, field, value) for field, value in held.writes.items()]
            async with self._redis.pipeline(transaction=False) as pipe:
                self._queue(pipe, writes)
                pipe.eval(_RELEASE, 1, lock, token)
                answers = await pipe.execute()
            if not answers[-1]:
                log.warning("the conversation lock %s ran out before its update ended", lock)

    async def _renew(self, lock: str, token: str) -> None:
        await self._redis.eval(_RENEW, 1, lock, token, _ms(LOCK_SECONDS))

    def _fields(self, key: StorageKey) -> tuple[str, str]:
        return self._keys.build(key, "state"), self._keys.build(key, "data")

    def _write(self, key: StorageKey, field: str, value: Any) -> tuple[str, str | None]:
        """The Redis key of `field` and the text to store there (None: delete it)."""
        if field == "state":
            return self._keys.build(key, "state"), value or None
        if field == "data":
            return self._keys.build(key, "data"), dumps(value) if value else None
        raise TypeError(f"not a conversation field: {field}")

    @staticmethod
    def _queue(pipe: Pipeline, writes: list[tuple[str, str | None]]) -> None:
        for redis_key, text in writes:
            if text:
                pipe.set(redis_key, text)
            else:
                pipe.delete(redis_key)


def _entry(state: Any, data: Any) -> tuple[str | None, str]:
    """What MGET of the two keys returned (bytes or None each), as the storage keeps it."""
    return (state.decode() if state is not None else None, data.decode() if data else "{}")
