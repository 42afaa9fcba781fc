"""aiogram FSM storage kept in the database, so a restart or another instance continues.

Handlers and middlewares read the state and data several times per update; each read used
to be a database round trip. `ConversationScope` (the dispatcher's event isolation) opens a
per-update cache around each update: the first read loads the row, later reads are served
from it, and writes go straight through to the database and into the cache. Outside an
update (broadcasts, tasks that outlive their update) every call reaches the database.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey

from kiegram.storage.conversations import ConversationStore

# One row as this update sees it: the state name and the data as JSON text (decoded afresh
# on every read, so a caller mutating what it got cannot change what the next read sees).
Entry = tuple[str | None, str]


class _Cache:
    """The rows one update has read or written, by storage key."""

    def __init__(self) -> None:
        self.rows: dict[str, Entry] = {}
        self.open = True


_current: ContextVar[_Cache | None] = ContextVar("kiegram_fsm_cache", default=None)


def _active() -> _Cache | None:
    cache = _current.get()
    # A task started by a handler inherits the context; once the update is over it must
    # not keep serving (or missing) rows from the update's snapshot.
    return cache if cache is not None and cache.open else None


def storage_key(key: StorageKey) -> str:
    """One string per bot, chat, user, thread and destiny."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "", key.destiny)
    return ":".join(str(p) for p in parts)


class ConversationScope(BaseEventIsolation):
    """One user's updates one at a time in this process, each with its own conversation cache.

    Without the per-user lock, a handler still writing its cached data after replying (the
    wizard stores its message id) would overwrite what the user's next press just stored.
    Across instances, Redis event isolation plays this part.
    """

    def __init__(self) -> None:
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
                cache = _Cache()
                token = _current.set(cache)
                try:
                    yield
                finally:
                    cache.open = False
                    _current.reset(token)
        finally:
            self._users[skey] -= 1
            if not self._users[skey]:  # nobody waits: forget the lock (memory stays flat)
                del self._users[skey], self._locks[skey]

    async def close(self) -> None:
        """Nothing to close."""


class SqlStorage(BaseStorage):
    """FSM state and data in the `conversations` table."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    def create_isolation(self) -> ConversationScope:
        """The event isolation that caches rows per update (pass it to the dispatcher)."""
        return ConversationScope()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state name."""
        name = state.state if isinstance(state, State) else state
        skey = storage_key(key)
        await self.store.put(skey, state=name)
        cache = _active()
        if cache is not None and skey in cache.rows:
            cache.rows[skey] = (name, cache.rows[skey][1])

    async def get_state(self, key: StorageKey) -> str | None:
        """The stored state name."""
        state, _data = await self._load(storage_key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data dict (JSON)."""
        skey, plain = storage_key(key), dict(data)
        await self.store.put(skey, data=plain)
        cache = _active()
        if cache is not None and skey in cache.rows:
            cache.rows[skey] = (cache.rows[skey][0], json.dumps(plain))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The stored data dict."""
        _state, text = await self._load(storage_key(key))
        data: dict[str, Any] = json.loads(text)
        return data

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the composition root."""

    async def _load(self, skey: str) -> Entry:
        cache = _active()
        if cache is not None and skey in cache.rows:
            return cache.rows[skey]
        state, data = await self.store.get(skey)
        entry = (state, json.dumps(data))
        if cache is not None:
            cache.rows[skey] = entry
        return entry
