"""aiogram FSM storage kept in the database or Redis, so a restart or another instance continues.

Handlers and middlewares read the state and data several times per update and often write
them twice (state, then data). `ConversationScope` (the dispatcher's event isolation) runs
one user's updates one at a time and opens a per-update cache around each: the first read
loads the conversation (one statement or one Redis command), later reads are served from
it, and writes are kept in it and stored when the update ends (also when a handler failed,
as an immediate write would have been), or earlier, before the update's next Bot API call
(`save_now`, called by `fsm.save_first.SaveFirst`): a message never shows a step whose state
a kill could still lose. A write of what is stored already stores nothing. Outside an
update (broadcasts, tasks that outlive their update) every call reaches the store at once.

Where the conversations are kept is a `ConversationRows`: the `conversations` table
(`fsm.sql.SqlRows`), or Redis (`fsm.redis.RedisConversations`), whose per-user lock across
instances the scope then takes too (`shared`): taking it reads the conversation, giving it
back stores the update's writes.

Each write an update makes also stores that update's id in the data (`MARK`, hidden from
`get_data`), in the same round trip as the state: Telegram re-sending an update whose effect
was stored before its instance died is told apart (`replayed`; `fsm.replay`).

With `remember` > 0 the storage also keeps the last that many conversations between
updates, so a user's next press reads nothing at all. That is only right while this process
is the only one handling the bot's updates (long polling, or one webhook instance): the
composition root decides.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncGenerator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey

from kiegram.jsontext import dumps, loads

# One conversation as this update sees it: the state name and the data as JSON text (decoded
# afresh on every read, so a caller mutating what it got cannot change what the next read sees).
Entry = tuple[str | None, str]
# The key in the stored data holding the id of the update that last changed the conversation.
MARK = "_update"
# The id of the update being handled in this context (set by `fsm.replay.MarkUpdates`).
updating: ContextVar[int | None] = ContextVar("kiegram_fsm_update", default=None)


class ConversationRows(Protocol):
    """Where conversations are kept: a state name and a data dict per key."""

    async def get(self, key: StorageKey) -> Entry:
        """The state and the data's JSON text (None and "{}" when there is none)."""
        ...

    async def put(self, key: StorageKey, fields: Mapping[str, Any]) -> None:
        """Store `state` and/or `data` (a dict) for `key`, in one round trip."""
        ...


class _Cache:
    """The conversations one update has read or written, and the writes not stored yet."""

    def __init__(self, owner: CachedStorage) -> None:
        self.owner = owner
        self.rows: dict[StorageKey, Entry] = {}
        self.update = updating.get()
        # Per conversation: the update id stored with it when this update first read it.
        self.found: dict[StorageKey, int | None] = {}
        self.pending: dict[StorageKey, dict[str, Any]] = {}
        self.open = True
        # Stores of these writes, one at a time: a task the handler started (its sends save
        # first too) must not store an older write after a newer one.
        self.storing = asyncio.Lock()


_current: ContextVar[_Cache | None] = ContextVar("kiegram_fsm_cache", default=None)


def _active(storage: CachedStorage) -> _Cache | None:
    cache = _current.get()
    # A task started by a handler inherits the context; once the update is over it must
    # not keep serving (or missing) rows from the update's snapshot.
    return cache if cache is not None and cache.open and cache.owner is storage else None


class HeldConversation(Protocol):
    """A user's lock across instances, held for one update (`SharedConversations.hold`)."""

    entry: Entry  # the conversation, read when the lock was taken
    writes: dict[str, Any]  # what to store when the lock is given back


class SharedConversations(Protocol):
    """Conversations several instances share, with a per-user lock that reads the
    conversation when taken and stores the update's writes when given back."""

    def hold(self, key: StorageKey) -> AbstractAsyncContextManager[HeldConversation]:
        """Wait for the user's lock; hold it while the context runs."""
        ...


class ConversationScope(BaseEventIsolation):
    """One user's updates one at a time, each with its own conversation cache.

    Without the per-user lock, a handler still writing its cached data after replying (the
    wizard stores its message id) would overwrite what the user's next press just stored.
    In this process an asyncio lock orders them; across instances `shared` does (Redis),
    taken after the local lock so a process's own updates queue without polling Redis. The
    update's writes are stored before either lock passes on.
    """

    def __init__(self, storage: CachedStorage, shared: SharedConversations | None = None) -> None:
        self._storage = storage
        self._shared = shared
        self._locks: dict[StorageKey, asyncio.Lock] = {}
        self._users: dict[StorageKey, int] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Wait for the user's previous update, then open a fresh cache for this one."""
        user_lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with user_lock:
                if self._shared is None:
                    async with self._update(key, None):
                        yield
                else:
                    async with self._shared.hold(key) as held, self._update(key, held):
                        yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody waits: forget the lock (memory stays flat)
                del self._users[key], self._locks[key]

    @asynccontextmanager
    async def _update(
        self, key: StorageKey, held: HeldConversation | None
    ) -> AsyncGenerator[None, None]:
        """The update's cache; its writes stored when it ends (with the shared lock's
        release, when there is one)."""
        cache = _Cache(self._storage)
        if held is not None:
            cache.rows[key] = held.entry
            cache.found[key] = _mark(held.entry[1])
        token = _current.set(cache)
        try:
            yield
        finally:
            cache.open = False
            _current.reset(token)
            if held is not None:
                async with cache.storing:  # a store in flight (`save_now`) goes first
                    held.writes.update(cache.pending.pop(key, {}))
            await self._storage.flush(cache)

    async def close(self) -> None:
        """Nothing to close."""


class CachedStorage(BaseStorage):
    """FSM state and data in `rows`, cached per update (see the module's notes)."""

    def __init__(self, rows: ConversationRows, remember: int = 0) -> None:
        self.rows = rows
        self.remember = remember
        self._memory: OrderedDict[StorageKey, Entry] = OrderedDict()

    def create_isolation(self, shared: SharedConversations | None = None) -> ConversationScope:
        """The event isolation that caches rows per update (pass it to the dispatcher);
        `shared` orders a user's updates across instances as well."""
        return ConversationScope(self, shared)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state name."""
        name = state.state if isinstance(state, State) else state
        await self._write(key, "state", name)

    async def get_state(self, key: StorageKey) -> str | None:
        """The stored state name."""
        state, _data = await self._load(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data dict (JSON)."""
        await self._write(key, "data", dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The stored data dict."""
        _state, text = await self._load(key)
        data: dict[str, Any] = loads(text)
        data.pop(MARK, None)
        return data

    async def replayed(self, key: StorageKey) -> bool:
        """True when the running update already changed this conversation and its changes
        were stored: Telegram re-sent it after the instance handling it died (or its answer
        was lost). False outside an update and for an update seen the first time."""
        cache = _active(self)
        if cache is None or cache.update is None:
            return False
        if key not in cache.found:
            await self._load(key)
        return cache.found.get(key) == cache.update

    async def mark(self, key: StorageKey) -> None:
        """Record the running update as the last to change this conversation, even when it
        changes nothing else (a chat question, a promo code): stored like any write, before
        the update's next Bot API call, so its re-send is told apart (`fsm.replay.Once`)."""
        cache = _active(self)
        if cache is None or cache.update is None:
            return
        entry = await self._load(key)
        if _mark(entry[1]) == cache.update:
            return
        entry = _marked(entry, cache.update)
        cache.pending.setdefault(key, {})["data"] = loads(entry[1])
        cache.rows[key] = entry
        self._keep(key, entry)

    async def close(self) -> None:
        """Nothing to close: the engine and the Redis client belong to the composition root."""

    async def save_now(self) -> None:
        """Store the running update's writes so far (nothing outside an update, or with
        nothing written): called before a Bot API call, so no screen reaches the user
        before the conversation state it shows is stored (`fsm.save_first`)."""
        cache = _active(self)
        if cache is not None and cache.pending:
            await self.flush(cache)

    async def flush(self, cache: _Cache) -> None:
        """Store an update's pending writes, one round trip per conversation."""
        async with cache.storing:
            while cache.pending:
                key, fields = cache.pending.popitem()
                try:
                    await self.rows.put(key, fields)
                except BaseException:
                    # Not stored: what this process remembers must not claim otherwise.
                    self._memory.pop(key, None)
                    for other in cache.pending:
                        self._memory.pop(other, None)
                    raise

    async def _write(self, key: StorageKey, field: str, value: Any) -> None:
        cache = _active(self)
        if cache is None:
            await self.rows.put(key, {field: value})
            if key in self._memory:
                # Stored without a mark (no update): so is what is remembered.
                self._keep(key, _replace(self._memory[key], field, value, mark=False))
            return
        before = await self._load(key)
        entry = _replace(before, field, value)
        if entry == before:  # as stored (or pending) already: /start's state reset, mostly
            return
        pending = cache.pending.setdefault(key, {})
        if field == "state":
            pending["state"] = value
        if cache.update is not None and _mark(entry[1]) != cache.update:
            entry = _marked(entry, cache.update)  # the update's id, in the same write
        if field == "data" or entry[1] != before[1]:
            pending["data"] = loads(entry[1])
        cache.rows[key] = entry
        self._keep(key, entry)

    async def _load(self, key: StorageKey) -> Entry:
        cache = _active(self)
        if cache is not None and key in cache.rows:
            return cache.rows[key]
        entry = self._memory.get(key)
        if entry is None:
            entry = await self.rows.get(key)
        self._keep(key, entry)
        if cache is not None:
            cache.rows[key] = entry
            cache.found.setdefault(key, _mark(entry[1]))
        return entry

    def _keep(self, key: StorageKey, entry: Entry) -> None:
        if not self.remember:
            return
        self._memory[key] = entry
        self._memory.move_to_end(key)
        if len(self._memory) > self.remember:
            self._memory.popitem(last=False)


def _replace(entry: Entry, field: str, value: Any, mark: bool = True) -> Entry:
    """`entry` with `field` set; new data keeps the stored update mark (`MARK`) if `mark`."""
    if field == "state":
        return (value, entry[1])
    stored = _mark(entry[1]) if mark else None
    data = dict(value)
    data.pop(MARK, None)
    if stored is not None:
        data[MARK] = stored
    return (entry[0], dumps(data))


def _mark(text: str) -> int | None:
    """The update id stored in a conversation's data text (None when there is none)."""
    if MARK not in text:  # most data has none: no decoding
        return None
    mark = loads(text).get(MARK)
    return mark if isinstance(mark, int) else None


def _marked(entry: Entry, update: int) -> Entry:
    data = loads(entry[1])
    data[MARK] = update
    return (entry[0], dumps(data))
