"""The chat history on SQLite and PostgreSQL: a conversation's messages read back in order,
conversations and users apart, and each user's oldest messages dropped past the limit."""

from __future__ import annotations

import itertools
import os

from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.storage.chat_history import SqlChatHistory, StoredMessage

_users = itertools.count(int.from_bytes(os.urandom(3), "big") * 1000)  # apart in a shared db


def exchange(n: int) -> list[tuple[str, str, tuple[str, ...], int, int]]:
    return [("user", f"question {n}", (), 10 + n, 0), ("assistant", f"answer {n}", (), 20 + n, 2)]


async def test_a_conversation_reads_back_in_order_with_photos(engine: AsyncEngine) -> None:
    history = SqlChatHistory(engine, keep=50)
    user = next(_users)
    photo = ("user", "what is it?", ("https://files.test/a.jpg",), 1104, 0)
    await history.add(user, "c1", "gemini-2.5-flash", [photo, ("assistant", "a cat", (), 5, 1)])
    await history.add(user, "c1", "gemini-2.5-flash", exchange(2))
    assert await history.recent(user, "c1", rows=10) == [
        StoredMessage("user", "what is it?", ("https://files.test/a.jpg",), 1104),
        StoredMessage("assistant", "a cat", (), 5),
        StoredMessage("user", "question 2", (), 12),
        StoredMessage("assistant", "answer 2", (), 22),
    ]
    newest = await history.recent(user, "c1", rows=2)
    assert [m.content for m in newest] == ["question 2", "answer 2"]


async def test_conversations_and_users_are_kept_apart(engine: AsyncEngine) -> None:
    history = SqlChatHistory(engine, keep=50)
    me, other = next(_users), next(_users)
    await history.add(me, "old", "m", exchange(1))
    await history.add(me, "new", "m", exchange(2))
    await history.add(other, "old", "m", exchange(3))
    assert [m.content for m in await history.recent(me, "new", 10)] == ["question 2", "answer 2"]
    assert [m.content for m in await history.recent(me, "old", 10)] == ["question 1", "answer 1"]
    assert [m.content for m in await history.recent(other, "old", 10)] == [
        "question 3",
        "answer 3",
    ]


async def test_each_user_keeps_only_the_newest_messages(engine: AsyncEngine) -> None:
    history = SqlChatHistory(engine, keep=4)
    user, neighbour = next(_users), next(_users)
    await history.add(neighbour, "c", "m", exchange(0))
    for n in range(1, 6):
        await history.add(user, "c", "m", exchange(n))
    assert await history.count(user) == 4
    kept = [m.content for m in await history.recent(user, "c", 10)]
    assert kept == ["question 4", "answer 4", "question 5", "answer 5"]
    assert await history.count(neighbour) == 2  # another user's messages are not touched
