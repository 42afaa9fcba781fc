"""A re-sent update is not applied twice to the stored conversation (issue #26).

An instance killed after storing an update's step (`fsm.save_first`) but before answering it
gets the update re-sent by Telegram, with the same `update_id`. The storage keeps the id of
the update that last changed the conversation in the same write (`fsm.base.MARK`), and the
wizard shows the current step again instead of moving one step further.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.types import Update
from kit import FakeTelegram, FakeUser
from kit.databases import redis_url
from kit.telegram_calls import Call
from redis.asyncio import Redis

from kiegram.app import App
from kiegram.fsm.base import MARK, CachedStorage, updating
from kiegram.fsm.redis import RedisConversations

Running = tuple[App, FakeTelegram]
MODEL = "runway"  # the prompt, then three steps of options, then the confirm
_ids = count(900_000)
KEY = StorageKey(bot_id=42, chat_id=9, user_id=9)


@pytest.fixture(params=["sqlite", "redis"])
def bot_settings(request: pytest.FixtureRequest, prefix: str) -> Iterator[dict[str, Any]]:
    """Conversations in the database (SQLite), or in Redis."""
    if request.param == "redis":
        yield {"redis_url": redis_url(), "redis_prefix": prefix}
    else:
        yield {}


def press(app: App, user: FakeUser, text: str, update_id: int) -> Update:
    """The update of a press on the newest button containing `text`."""
    message, data = user.find_button(text)
    query = {
        "id": str(update_id),
        "from": user.profile,
        "chat_instance": "1",
        "message": message,
        "data": data,
    }
    raw = {"update_id": update_id, "callback_query": query}
    return Update.model_validate(raw, context={"bot": app.bot})


async def wizard(app: App, user: FakeUser) -> dict[str, Any]:
    storage = app.dp.storage
    key = StorageKey(bot_id=app.bot.id, chat_id=user.id, user_id=user.id)
    data = await storage.get_data(key)
    assert MARK not in data  # the mark is the storage's own
    wz: dict[str, Any] = data["wz"]
    return wz


def shown(telegram: FakeTelegram, user: FakeUser, since: int) -> list[Call]:
    """Messages sent or edited into the user's chat with a text, after call `since`."""
    return [
        c
        for c in telegram.calls[since:]
        if c.method in ("sendmessage", "editmessagetext")
        and str(c.params.get("chat_id")) == str(user.id)
    ]


async def test_the_same_press_twice_moves_one_step_and_shows_it_again(running: Running) -> None:
    app, telegram = running
    user = telegram.user(7610)
    await user.send(f"/model {MODEL}")
    await user.send("a lighthouse in a storm")
    option = user.buttons()[0]  # an option of the first step after the prompt
    before = await wizard(app, user)

    update = press(app, user, option, next(_ids))
    since = len(telegram.calls)
    await app.dp.feed_update(app.bot, update)
    moved = await wizard(app, user)
    assert moved != before
    [first] = shown(telegram, user, since)
    screen = str(first.params["text"])

    # Telegram's re-send of the same update (its instance died before answering it).
    since = len(telegram.calls)
    await app.dp.feed_update(app.bot, update)
    assert await wizard(app, user) == moved  # not one step further
    [again] = shown(telegram, user, since)
    assert again.method == "sendmessage" and again.params["text"] == screen
    assert not [c for c in telegram.calls[since:] if "⚠️" in str(c.params.get("text"))]

    # A new press (a new update) of the re-shown screen's button moves on as usual.
    before = moved
    await app.dp.feed_update(app.bot, press(app, user, user.buttons()[0], next(_ids)))
    assert await wizard(app, user) != before


async def test_the_mark_rides_in_the_same_write_and_is_hidden(prefix: str) -> None:
    client: Redis = Redis.from_url(redis_url())
    keys = DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True, with_destiny=True)
    shared = RedisConversations(client, keys)
    storage = CachedStorage(shared)
    scope = storage.create_isolation(shared=shared)
    token = updating.set(17)
    try:
        async with scope.lock(KEY):
            assert not await storage.replayed(KEY)
            await storage.set_state(KEY, "wizard")
            assert not await storage.replayed(KEY)  # its own write does not make it a re-send
        assert await shared.get(KEY) == ("wizard", f'{{"{MARK}":17}}')
        assert await storage.get_data(KEY) == {}
        async with scope.lock(KEY):  # update 17 again: a re-send
            assert await storage.replayed(KEY)
            await storage.update_data(KEY, {"wz": 1})
    finally:
        updating.reset(token)
    token = updating.set(18)
    try:
        async with scope.lock(KEY):
            assert not await storage.replayed(KEY)
            assert await storage.get_data(KEY) == {"wz": 1}
            await storage.set_data(KEY, {"wz": 1})  # as stored: nothing written
        assert await shared.get(KEY) == ("wizard", f'{{"wz":1,"{MARK}":17}}')
    finally:
        updating.reset(token)
    await client.aclose()
