"""The conversations table as an FSM back-end: `CachedStorage` over `ConversationStore`.

The table and its statements stay in `storage/conversations.py` (SQLAlchemy lives only in
`storage/`, and Alembic registers the table from there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.storage.base import StorageKey

from kiegram.fsm.base import CachedStorage, Entry
from kiegram.jsontext import dumps
from kiegram.storage.conversations import ConversationStore


def storage_key(key: StorageKey) -> str:
    """One string per bot, chat, user, thread and destiny."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "", key.destiny)
    return ":".join(str(p) for p in parts)


class SqlRows:
    """Conversations in the `conversations` table."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    async def get(self, key: StorageKey) -> Entry:
        """One SELECT."""
        state, data = await self.store.get(storage_key(key))
        return state, dumps(data)

    async def put(self, key: StorageKey, fields: Mapping[str, Any]) -> None:
        """One upsert."""
        await self.store.put(storage_key(key), **fields)


class SqlStorage(CachedStorage):
    """The cached storage over the `conversations` table."""

    def __init__(self, store: ConversationStore, remember: int = 0) -> None:
        super().__init__(SqlRows(store), remember)
