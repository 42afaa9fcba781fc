"""Chat answers in flight on SQLite and PostgreSQL: one running answer per user across
instances, the lease held by its owner only, a dead owner's answer taken once (a restarted
owner's at once), the question kept for "ask again", and the database's cancel flag."""

from __future__ import annotations

import asyncio
import itertools
import os
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.storage.chat_answers import RETRY, AnswerRecord, SqlChatAnswers

_users = itertools.count(int.from_bytes(os.urandom(3), "big") * 1000)  # apart in a shared db
LEASE = timedelta(seconds=30)
GONE = timedelta(seconds=-1)  # a lease that ran out already


def record(user: int, n: int = 1) -> AnswerRecord:
    photo = ("https://files.test/a.jpg",)
    return AnswerRecord(f"job:{user}:chat-{n}", user, "ru", "m1", "c1", "Кто это?", photo, 40, 1110)


async def test_one_running_answer_per_user_and_the_lease_is_its_owners(
    engine: AsyncEngine,
) -> None:
    answers = SqlChatAnswers(engine)
    user = next(_users)
    assert await answers.open(record(user), "a", LEASE)
    assert not await answers.open(record(user, 2), "b", LEASE)  # busy on instance a
    assert await answers.running(user) == f"job:{user}:chat-1"
    assert await answers.progress(f"job:{user}:chat-1", "a", LEASE, "Это кот", 77)
    assert not await answers.renew(f"job:{user}:chat-1", "b", LEASE)  # not b's
    assert f"job:{user}:chat-1" not in await answers.stale()  # a's lease runs
    assert await answers.take(f"job:{user}:chat-1", "b", LEASE) is None
    assert await answers.settling(f"job:{user}:chat-1", "a", 3, LEASE)
    assert await answers.running(user) is None  # settling: no longer cancellable
    assert await answers.close(f"job:{user}:chat-1", "a")
    assert await answers.open(record(user, 2), "b", LEASE)


async def test_a_dead_owners_answer_is_taken_once_with_what_was_shown(
    engine: AsyncEngine,
) -> None:
    answers = SqlChatAnswers(engine)
    user = next(_users)
    key = f"job:{user}:chat-1"
    assert await answers.open(record(user), "dead", LEASE)
    assert await answers.progress(key, "dead", GONE, "Это кот", 77)  # then it died
    assert key in await answers.stale()
    taken = await answers.take(key, "survivor", LEASE)
    assert taken is not None and (taken.shown, taken.message_id, taken.units) == (
        "Это кот",
        77,
        None,
    )
    assert taken.images == ("https://files.test/a.jpg",) and taken.prompt_tokens == 1110
    assert await answers.take(key, "other", LEASE) is None  # taken once
    assert not await answers.progress(key, "dead", LEASE, "Это кот и", 77)  # the owner lost it
    assert await answers.leave_for_retry(key, "survivor")
    assert key not in await answers.stale()
    again = await answers.retry(user)
    assert again is not None and again.question == "Кто это?" and again.state == RETRY
    assert await answers.retry(user) is None  # asked again once


async def test_a_restarted_owner_takes_its_own_answers_at_once(engine: AsyncEngine) -> None:
    answers = SqlChatAnswers(engine)
    user = next(_users)
    key = f"job:{user}:chat-1"
    assert await answers.open(record(user), "host:1", LEASE)
    assert key not in await answers.stale()  # others wait for the lease
    assert key in await answers.stale(restarted="host:1")
    assert await answers.take(key, "host:1", LEASE) is None  # not without `own`
    assert await answers.take(key, "host:1", LEASE, own=True) is not None


async def test_a_new_question_drops_the_old_retry_and_the_flag_is_seen(
    engine: AsyncEngine,
) -> None:
    answers = SqlChatAnswers(engine)
    user = next(_users)
    assert await answers.open(record(user), "a", GONE)
    assert await answers.take(f"job:{user}:chat-1", "b", LEASE) is not None
    assert await answers.leave_for_retry(f"job:{user}:chat-1", "b")
    assert await answers.open(record(user, 2), "a", LEASE)  # a retry row does not block
    assert await answers.retry(user) is None  # and is gone
    assert not await answers.raised(f"job:{user}:chat-2")
    await answers.raise_flag(f"job:{user}:chat-2")
    assert await answers.raised(f"job:{user}:chat-2")


async def test_two_instances_opening_at_once_start_one_answer(engine: AsyncEngine) -> None:
    answers = SqlChatAnswers(engine)
    user = next(_users)
    opened = await asyncio.gather(
        *(answers.open(record(user, n), f"host:{n}", LEASE) for n in range(4))
    )
    assert sorted(opened) == [False, False, False, True]
