"""Conversations in Redis as an FSM back-end: the rows of `CachedStorage`, and the per-user
lock across instances that its `ConversationScope` takes (`shared`)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.storage.base import DefaultKeyBuilder, KeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from kiegram.jsontext import dumps
from kiegram.scale.heartbeat import renewed
from kiegram.scale.ports import LateDone, late_done
from kiegram.scale.redis_store import RELEASE_SCRIPT, RENEW_SCRIPT, RedisUpdateGate, millis, put
from kiegram.scale.singleton import process_owner

log = logging.getLogger(__name__)
# A user's conversation lock, as aiogram's Redis event isolation takes it (`RedisConversations`):
# short, and renewed every third of it while its update runs (`scale.heartbeat`), so a dead
# instance's lock holds the user's next updates up for seconds, not a minute.
LOCK_SECONDS = 3.0
LOCK_POLL = 0.1
# The lock taken (SET NX PX) and, when taken, the conversation read (MGET), in one command:
# a script costs redis-py ~50 Python calls fewer than a pipeline of the two (#23).
TAKE_SCRIPT = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('mget', KEYS[2], KEYS[3])
end
return false
"""


def redis_conversations(redis: Redis, prefix: str) -> RedisConversations:
    """Where conversations are kept with Redis, with the lock that runs one user's updates
    one at a time across all instances."""
    # Bot id and destiny in the key: several bots may share a Redis, and the broadcast
    # keeps its state under a destiny of its own.
    keys = DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True, with_destiny=True)
    return RedisConversations(redis, keys)


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
            await (put(self._redis, redis_key, text) if text else self._redis.delete(redis_key))
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
                stored = await self._redis.eval(
                    TAKE_SCRIPT, 3, lock, *self._fields(key), token, millis(LOCK_SECONDS)
                )
            except asyncio.CancelledError:
                # Cancelled with the SET perhaps done: give back what may be ours, or the
                # user's next updates would wait for it to run out (LOCK_SECONDS).
                with contextlib.suppress(Exception):
                    await self._redis.eval(RELEASE_SCRIPT, 1, lock, token)
                raise
            if stored is not None:
                break
            await asyncio.sleep(LOCK_POLL)
        held = Held(_entry(*stored))
        ended = False
        try:
            async with renewed(LOCK_SECONDS, lambda: self._renew(lock, token)):
                yield held
            ended = True
        finally:
            writes = [self._write(key, field, value) for field, value in held.writes.items()]
            # An update that ended well is marked handled in the same round trip.
            late = late_done.get() if ended else None
            async with self._redis.pipeline(transaction=False) as pipe:
                self._queue(pipe, writes)
                pipe.eval(RELEASE_SCRIPT, 1, lock, token)
                marking = self._mark_done(pipe, late)
                answers = await pipe.execute()
            if late is not None and marking:
                late.marked = True
            if not answers[len(writes)]:
                log.warning("the conversation lock %s ran out before its update ended", lock)

    def _mark_done(self, pipe: Pipeline, late: LateDone | None) -> bool:
        """Queue the running update's "handled" mark (`LateDone`) if its gate is here."""
        if late is None or late.marked or late.task is not asyncio.current_task():
            return False
        gate = late.gate
        return isinstance(gate, RedisUpdateGate) and gate.queue_done(pipe, self._redis, late.key)

    async def _renew(self, lock: str, token: str) -> None:
        await self._redis.eval(RENEW_SCRIPT, 1, lock, token, millis(LOCK_SECONDS))

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
                put(pipe, redis_key, text)
            else:
                pipe.delete(redis_key)


def _entry(state: Any, data: Any) -> tuple[str | None, str]:
    """What MGET of the two keys returned (bytes or None each), as the storage keeps it."""
    return (state.decode() if state is not None else None, data.decode() if data else "{}")
