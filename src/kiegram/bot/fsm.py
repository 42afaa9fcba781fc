"""aiogram FSM storage kept in the database, so a restart or another instance continues.

Handlers and middlewares read the state and data several times per update and often write
them twice (state, then data). `ConversationScope` (the dispatcher's event isolation) runs
one user's updates one at a time and opens a per-update cache around each: the first read
loads the row, later reads are served from it, and writes are kept in it and stored as one
UPDATE when the update ends (also when a handler failed, as an immediate write would have
been); a write of what the row already holds stores nothing. Outside an update
(broadcasts, tasks that outlive their update) every call reaches the database at once.

With `remember` > 0 the storage also keeps the last that many conversations between
updates, so a user's next press reads no row at all. That is only right while this process
is the only one handling the bot's updates (long polling, or one webhook instance): the
composition root decides.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey

from kiegram.jsontext import dumps, loads
from kiegram.storage.conversations import ConversationStore

# One row as this update sees it: the state name and the data as JSON text (decoded afresh
# on every read, so a caller mutating what it got cannot change what the next read sees).
Entry = tuple[str | None, str]


class _Cache:
    """The rows one update has read or written, and the writes not stored yet, by key."""

    def __init__(self, owner: SqlStorage) -> None:
        self.owner = owner
        self.rows: dict[str, Entry] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.open = True


_current: ContextVar[_Cache | None] = ContextVar("kiegram_fsm_cache", default=None)


def _active(storage: SqlStorage) -> _Cache | None:
    cache = _current.get()
    # A task started by a handler inherits the context; once the update is over it must
    # not keep serving (or missing) rows from the update's snapshot.
    return cache if cache is not None and cache.open and cache.owner is storage else None


def storage_key(key: StorageKey) -> str:
    """One string per bot, chat, user, thread and destiny."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "", key.destiny)
    return ":".join(str(p) for p in parts)


class ConversationScope(BaseEventIsolation):
    """One user's updates one at a time in this process, each with its own conversation cache.

    Without the per-user lock, a handler still writing its cached data after replying (the
    wizard stores its message id) would overwrite what the user's next press just stored.
    Across instances, Redis event isolation plays this part. The update's writes are stored
    before the lock passes to the user's next update.
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Wait for the user's previous update, then open a fresh cache for this one."""
        skey = storage_key(key)
        user_lock = self._locks.setdefault(skey, asyncio.Lock())
        self._users[skey] = self._users.get(skey, 0) + 1
        try:
            async with user_lock:
                cache = _Cache(self._storage)
                token = _current.set(cache)
                try:
                    yield
                finally:
                    cache.open = False
                    _current.reset(token)
                    await self._storage.flush(cache)
        finally:
            self._users[skey] -= 1
            if not self._users[skey]:  # nobody waits: forget the lock (memory stays flat)
                del self._users[skey], self._locks[skey]

    async def close(self) -> None:
        """Nothing to close."""


class SqlStorage(BaseStorage):
    """FSM state and data in the `conversations` table (see the module's notes)."""

    def __init__(self, store: ConversationStore, remember: int = 0) -> None:
        self.store = store
        self.remember = remember
        self._memory: OrderedDict[str, Entry] = OrderedDict()

    def create_isolation(self) -> ConversationScope:
        """The event isolation that caches rows per update (pass it to the dispatcher)."""
        return ConversationScope(self)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state name."""
        name = state.state if isinstance(state, State) else state
        await self._write(storage_key(key), "state", name)

    async def get_state(self, key: StorageKey) -> str | None:
        """The stored state name."""
        state, _data = await self._load(storage_key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data dict (JSON)."""
        await self._write(storage_key(key), "data", dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The stored data dict."""
        _state, text = await self._load(storage_key(key))
        data: dict[str, Any] = loads(text)
        return data

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the composition root."""

    async def flush(self, cache: _Cache) -> None:
        """Store an update's pending writes, one statement per conversation."""
        while cache.pending:
            skey, fields = cache.pending.popitem()
            try:
                await self.store.put(skey, **fields)
            except BaseException:
                # Not stored: what this process remembers must not claim otherwise.
                self._memory.pop(skey, None)
                for other in cache.pending:
                    self._memory.pop(other, None)
                raise

    async def _write(self, skey: str, field: str, value: Any) -> None:
        cache = _active(self)
        if cache is None:
            await self.store.put(skey, **{field: value})
            if skey in self._memory:
                self._keep(skey, _replace(self._memory[skey], field, value))
            return
        before = await self._load(skey)
        entry = _replace(before, field, value)
        if entry == before:  # as stored (or pending) already: /start's state reset, mostly
            return
        cache.rows[skey] = entry
        cache.pending.setdefault(skey, {})[field] = value
        self._keep(skey, entry)

    async def _load(self, skey: str) -> Entry:
        cache = _active(self)
        if cache is not None and skey in cache.rows:
            return cache.rows[skey]
        entry = self._memory.get(skey)
        if entry is None:
            state, data = await self.store.get(skey)
            entry = (state, dumps(data))
        self._keep(skey, entry)
        if cache is not None:
            cache.rows[skey] = entry
        return entry

    def _keep(self, skey: str, entry: Entry) -> None:
        if not self.remember:
            return
        self._memory[skey] = entry
        self._memory.move_to_end(skey)
        if len(self._memory) > self.remember:
            self._memory.popitem(last=False)


def _replace(entry: Entry, field: str, value: Any) -> Entry:
    return (value, entry[1]) if field == "state" else (entry[0], dumps(value))
