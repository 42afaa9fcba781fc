"""Two instances resume and start the same broadcast: every user still gets it once."""

from __future__ import annotations

import asyncio
from collections import Counter

from kit import FakeTelegram

from kiegram.app import App
from kiegram.bot.broadcast import Broadcaster

ADMIN = 999  # the `running` fixture's admin id
USERS = (851, 852, 853, 854, 855, 856)
TEXT = "Одна рассылка на два процесса"


def instance(app: App, owner: str, sleep: object = asyncio.sleep) -> Broadcaster:
    """A broadcaster as another process would build it: same storage and locks, own objects."""
    deps = (app.bot, app.dp["users"], app.dp.storage, app.dp["translator"])
    return Broadcaster(
        *deps,
        per_second=1000.0,
        sleep=sleep,  # type: ignore[arg-type]
        locks=app.dp["locks"],
        owner=owner,
        lock_wait=0.01,
    )


def received(telegram: FakeTelegram, needle: str) -> Counter[int]:
    """How many messages containing `needle` each chat got."""
    return Counter(
        int(call.params["chat_id"])
        for call in telegram.calls
        if call.method == "sendmessage" and needle in str(call.params.get("text"))
    )


async def users_started(telegram: FakeTelegram) -> None:
    for user_id in USERS:
        await telegram.user(user_id).send("/start")


async def test_two_instances_at_once_send_to_every_user_once(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    await users_started(telegram)
    first, second = instance(app, "instance-a"), instance(app, "instance-b")
    assert await first.start(TEXT, ADMIN)
    assert await second.resume()  # the other process starts up while the first sends
    states = await asyncio.gather(first.wait(), second.wait())
    assert all(state is not None and state.done for state in states)
    counts = received(telegram, TEXT)
    assert {user_id: counts[user_id] for user_id in USERS} == dict.fromkeys(USERS, 1)
    assert received(telegram, "Рассылка завершена")[ADMIN] == 1


async def test_a_waiting_instance_takes_over_when_the_sender_stops(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    await users_started(telegram)
    pauses: list[float] = []

    async def stalls_after_two(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            await asyncio.Event().wait()  # the sending process hangs here, lock held

    first = instance(app, "instance-a", stalls_after_two)
    second = instance(app, "instance-b")
    assert await first.start(TEXT, ADMIN)
    await telegram.wait_for(lambda: len(pauses) == 2)
    assert await second.resume()  # waits: the first holds the lock
    assert received(telegram, TEXT).total() == 2
    await first.close()  # the first stops; its lock goes with it
    final = await second.wait()
    assert final is not None and final.done and final.sent == len(USERS)
    counts = received(telegram, TEXT)
    assert {user_id: counts[user_id] for user_id in USERS} == dict.fromkeys(USERS, 1)
    assert received(telegram, "Рассылка завершена")[ADMIN] == 1
