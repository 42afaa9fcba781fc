"""Conversation state lives in the database: a new bot process continues it."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from kiegram.bot.fsm import SqlStorage
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
