"""Conversation state lives in the database: a new bot process continues it."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event

from kiegram.fsm.sql import SqlStorage
from kiegram.storage.conversations import ConversationStore
from kiegram.storage.db import create_engine


async def test_state_and_data_survive_a_new_engine(database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=10, user_id=10)
    engine = create_engine(database_url)
    storage = SqlStorage(ConversationStore(engine))
    await storage.set_state(key, "Wizard:step")
    await storage.set_data(key, {"lang": "en", "wizard": {"model": "z-image", "values": {}}})
    await engine.dispose()

    engine = create_engine(database_url)
    storage = SqlStorage(ConversationStore(engine))
    assert await storage.get_state(key) == "Wizard:step"
    assert (await storage.get_data(key))["wizard"]["model"] == "z-image"
    await storage.update_data(key, {"lang": "ru"})
    assert await storage.get_data(key) == {
        "lang": "ru",
        "wizard": {"model": "z-image", "values": {}},
    }
    other = StorageKey(bot_id=1, chat_id=11, user_id=11)
    assert await storage.get_state(other) is None
    assert await storage.get_data(other) == {}
    await engine.dispose()


async def test_an_updates_writes_are_stored_once_when_it_ends(database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=20, user_id=20)
    engine = create_engine(database_url)
    storage, outside = SqlStorage(ConversationStore(engine)), SqlStorage(ConversationStore(engine))
    scope = storage.create_isolation()
    async with scope.lock(key):
        await storage.set_state(key, "Wizard:step")
        await storage.update_data(key, {"lang": "en"})
        await storage.update_data(key, {"wz": {"model": "z-image"}})
        # This update sees its own writes; nobody else does yet.
        assert await storage.get_data(key) == {"lang": "en", "wz": {"model": "z-image"}}
        assert await outside.get_state(key) is None
    assert await outside.get_state(key) == "Wizard:step"
    assert await outside.get_data(key) == {"lang": "en", "wz": {"model": "z-image"}}
    await engine.dispose()


async def test_writes_of_a_failed_handler_are_stored_too(database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=21, user_id=21)
    engine = create_engine(database_url)
    storage = SqlStorage(ConversationStore(engine))
    with pytest.raises(RuntimeError):
        async with storage.create_isolation().lock(key):
            await storage.set_data(key, {"wz_msg": 77})
            raise RuntimeError("the handler broke after replying")
    assert await SqlStorage(ConversationStore(engine)).get_data(key) == {"wz_msg": 77}
    await engine.dispose()


async def test_a_remembering_storage_reads_each_conversation_once(database_url: str) -> None:
    engine = create_engine(database_url)
    behind = SqlStorage(ConversationStore(engine))  # another writer, to show what is re-read
    storage = SqlStorage(ConversationStore(engine), remember=2)
    keys = [StorageKey(bot_id=1, chat_id=30 + n, user_id=30 + n) for n in range(3)]
    for n, key in enumerate(keys):
        async with storage.create_isolation().lock(key):
            await storage.set_data(key, {"n": n})
    await behind.set_data(keys[2], {"n": "changed behind its back"})
    assert await storage.get_data(keys[2]) == {"n": 2}  # remembered: no read
    await behind.set_data(keys[0], {"n": "changed behind its back"})
    # Only the last two are kept: the first conversation is read again.
    assert await storage.get_data(keys[0]) == {"n": "changed behind its back"}
    assert len(storage._memory) == 2
    await engine.dispose()


async def test_a_write_of_what_the_row_holds_stores_nothing(database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=40, user_id=40)
    engine = create_engine(database_url)
    storage = SqlStorage(ConversationStore(engine))
    async with storage.create_isolation().lock(key):
        await storage.set_data(key, {"lang": "en"})
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "conversations" in statement and not statement.lstrip().startswith("SELECT"):
            writes.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    async with storage.create_isolation().lock(key):
        await storage.set_state(key, None)  # /start resets a state that is None already
        await storage.set_data(key, {"lang": "en"})
    assert writes == []
    async with storage.create_isolation().lock(key):
        await storage.set_data(key, {"lang": "ru"})
        await storage.set_data(key, {"lang": "en"})  # back, within the update: still stored
        await storage.set_state(key, "Wizard:step")
    assert len(writes) == 1
    fresh = SqlStorage(ConversationStore(engine))
    assert (await fresh.get_state(key), await fresh.get_data(key)) == (
        "Wizard:step",
        {"lang": "en"},
    )
    await engine.dispose()
