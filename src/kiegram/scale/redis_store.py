"""The scale ports over Redis: SET NX with a TTL for updates, owner-checked leases for locks,
the files of albums being collected (conversations: `fsm.redis`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.client import Pipeline
from redis.asyncio.connection import Connection

from kiegram.jsontext import dumps, loads
from kiegram.wizard import MediaRef

ALBUM_SECONDS = 120.0  # an album's files wait this long at most to be taken

# Compare-and-act scripts: only the holder may extend or delete its lock.
RENEW_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE_SCRIPT = """
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


def put(client: Redis | Pipeline, key: str, value: str, px: int = 0, nx: bool = False) -> Any:
    """SET `key` (with PX, NX when given) as a plain command: redis-py's `set` checks its
    dozen keyword options on every call, ~45 Python calls of ~160 per round trip (#23)."""
    args: list[Any] = [key, value]
    if px:
        args += ("PX", px)
    if nx:
        args.append("NX")
    return client.execute_command("SET", *args)


def millis(seconds: float) -> int:
    """A TTL in milliseconds for PX (at least 1)."""
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
        return bool(await put(self._redis, self._key(key), "claimed", millis(self._claim), nx=True))

    async def done(self, key: str) -> None:
        """Keep the key, now marked handled, for the done period."""
        await put(self._redis, self._key(key), "done", millis(self._done))

    def queue_done(self, pipe: Pipeline, redis: Redis, key: str) -> bool:
        """Queue `done` on `pipe` (a pipeline of `redis`) when this gate keeps its claims
        there (one round trip fewer per update: `ports.LateDone`); False when it does not."""
        if redis is not self._redis:
            return False
        put(pipe, self._key(key), "done", millis(self._done))
        return True

    async def release(self, key: str) -> None:
        """Delete an unfinished claim."""
        await _script(self._redis, _RELEASE_CLAIM, self._key(key))

    async def renew(self, key: str) -> None:
        """Extend an unfinished claim by the claim period."""
        await _script(self._redis, RENEW_SCRIPT, self._key(key), "claimed", millis(self._claim))

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
        if await put(self._redis, self._key(name), owner, millis(ttl), nx=True):
            return True
        return await self.renew(name, owner, ttl)

    async def renew(self, name: str, owner: str, ttl: float) -> bool:
        """Extend the lock if we hold it."""
        return bool(await _script(self._redis, RENEW_SCRIPT, self._key(name), owner, millis(ttl)))

    async def release(self, name: str, owner: str) -> bool:
        """Delete the lock if we hold it."""
        return bool(await _script(self._redis, RELEASE_SCRIPT, self._key(name), owner))


async def _script(redis: Redis, source: str, key: str, *args: Any) -> Any:
    return await redis.eval(source, 1, key, *args)


class RedisAlbums:
    """The AlbumBuffer over Redis: `<prefix>:album:<key>:items` (a list of JSON files) and
    `...:adds` (a counter), both expiring, so an album nobody took does not stay."""

    def __init__(self, redis: Redis, prefix: str, ttl: float = ALBUM_SECONDS) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = millis(ttl)

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
