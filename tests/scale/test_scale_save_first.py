"""An update's conversation is stored before the Bot API call that shows it (issue #26), also
while another instance waits for the user's Redis lock: the stored state never lags the
screen, and the rest of the update is still stored when the lock is given back."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.methods import SendMessage
from kit.databases import redis_url
from redis.asyncio import Redis

from kiegram.fsm.base import CachedStorage
from kiegram.fsm.redis import RedisConversations
from kiegram.fsm.save_first import SaveFirst

KEY = StorageKey(bot_id=42, chat_id=8, user_id=8)


async def test_a_send_stores_the_updates_writes_before_it_goes(prefix: str) -> None:
    client: Redis = Redis.from_url(redis_url())
    keys = DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True, with_destiny=True)
    shared = RedisConversations(client, keys)
    storage = CachedStorage(shared)
    scope = storage.create_isolation(shared=shared)
    other = CachedStorage(RedisConversations(client, keys))  # what another instance reads
    seen: list[dict[str, Any]] = []

    async def send(bot: Bot, method: Any) -> Any:
        seen.append(await other.get_data(KEY))  # the moment the screen would reach the user
        return None

    middleware = SaveFirst(storage)
    bot = Bot("42:TEST")
    async with scope.lock(KEY):
        await storage.update_data(KEY, {"wz": {"step": "confirm"}})
        assert await other.get_data(KEY) == {}  # kept for the end of the update, so far
        await middleware(send, bot, SendMessage(chat_id=8, text="confirm?"))
        await storage.update_data(KEY, {"wz_msg": 5})
        await middleware(send, bot, SendMessage(chat_id=8, text="again"))  # stores wz_msg
        await storage.update_data(KEY, {"lang": "ru"})  # stored with the lock given back
    assert seen == [{"wz": {"step": "confirm"}}, {"wz": {"step": "confirm"}, "wz_msg": 5}]
    assert await other.get_data(KEY) == {"wz": {"step": "confirm"}, "wz_msg": 5, "lang": "ru"}

    seen.clear()
    await middleware(send, bot, SendMessage(chat_id=8, text="outside an update"))
    assert len(seen) == 1  # nothing to store outside an update: the call goes as it is
    await bot.session.close()
    await client.aclose()
