"""aiogram FSM storage kept in the database, so a restart or another instance continues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from kiegram.storage.conversations import ConversationStore


def storage_key(key: StorageKey) -> str:
    """One string per bot, chat, user, thread and destiny."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "", key.destiny)
    return ":".join(str(p) for p in parts)


class SqlStorage(BaseStorage):
    """FSM state and data in the `conversations` table."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state name."""
        name = state.state if isinstance(state, State) else state
        await self.store.put(storage_key(key), state=name)

    async def get_state(self, key: StorageKey) -> str | None:
        """The stored state name."""
        state, _data = await self.store.get(storage_key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data dict (JSON)."""
        await self.store.put(storage_key(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The stored data dict."""
        _state, data = await self.store.get(storage_key(key))
        return data

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the composition root."""
