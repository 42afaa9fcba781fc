"""Waiting is informative: the progress message shows the place in the queue while KIE has not
started the job, and how long the model usually takes (the median of its recent jobs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from journey_kit import ADMIN, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.progress import Progress
from kiegram.bot.waiting import WaitingLines
from kiegram.jobs import Job, JobState
from kiegram.wizard import build_payload

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        assert app.desk.progress is not None
        app.desk.progress.interval = 0.05
        yield app


def progress_of(app: App) -> tuple[Progress, WaitingLines]:
    progress = app.desk.progress
    assert progress is not None and progress.waiting is not None
    return progress, progress.waiting


async def past_job(app: App, model: str, seconds: float, n: int) -> None:
    """A delivered job of another user that took `seconds` from stored to delivered."""
    created = T0 + timedelta(minutes=n)
    await app.jobs.store.add(
        Job(
            user_id=7000 + n,
            chat_id=7000 + n,
            model_id=model,
            api="market",
            output="image",
            payload={"prompt": "earlier"},
            cost=Decimal(0),
            deadline_at=created + timedelta(minutes=10),
            state=JobState.DELIVERED,
            created_at=created,
            updated_at=created + timedelta(seconds=seconds),
        )
    )


async def running_job(app: App, user: FakeUser, prompt: str, model: str = "z-image") -> Job:
    """A job started as the confirm starts it: the progress message first, then the job."""
    progress, _lines = progress_of(app)
    message_id = await progress.open(user.id, "ru", model)
    payload = build_payload(app.dp["catalog"].get(model), {"prompt": prompt})
    job = await app.jobs.submit(model, payload, user_id=user.id, chat_id=user.id)
    await progress.attach(job, message_id)
    return job


def shown(user: FakeUser) -> str:
    """The user's progress message as it now reads."""
    (message,) = [m for m in user.chat() if "⏱" in str(m.get("text"))]
    return str(message["text"])


async def ticks(telegram: FakeTelegram, count: int = 3) -> None:
    """Wait until the progress messages were edited `count` more times."""

    def edits() -> int:
        return sum(c.method == "editmessagetext" for c in telegram.calls)

    target = edits() + count
    await telegram.wait_for(lambda: edits() >= target, timeout=10)


async def test_the_estimate_is_the_median_of_recent_jobs_and_follows_them(
    bot: App, telegram: FakeTelegram
) -> None:
    _progress, lines = progress_of(bot)
    clock = Clock()
    lines.clock = clock
    for n, seconds in enumerate([30, 40, 52]):
        await past_job(bot, "z-image", seconds, n)
    await past_job(bot, "another/model", 999, 9)  # another model's history does not count
    user = telegram.user(ADMIN)
    await running_job(bot, user, "a slow heron sandbox:slow")
    await telegram.wait_for(lambda: "⌛ Обычно ~40 с" in shown(user), timeout=10)
    assert "🎨 Генерирую" in shown(user) and "Место в очереди" not in shown(user)
    for n in range(3, 6):
        await past_job(bot, "z-image", 185, n)
    await ticks(telegram)
    assert "~40 с" in shown(user)  # the estimate is kept for a minute
    clock.now += timedelta(seconds=61)
    # median of 30, 40, 52, 185, 185, 185: ~2 min
    await telegram.wait_for(lambda: "⌛ Обычно ~2 мин" in shown(user), timeout=10)


async def test_no_estimate_without_history(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    await running_job(bot, user, "a slow crane sandbox:slow")
    await telegram.wait_for(lambda: "🎨 Генерирую" in shown(user), timeout=10)
    await ticks(telegram)
    assert "⌛" not in shown(user) and "очеред" not in shown(user)


async def test_the_place_in_the_queue_shows_and_moves_up(bot: App, telegram: FakeTelegram) -> None:
    first_user, second_user = telegram.user(ADMIN), telegram.user(801)
    # KIE refuses both creates (maintenance): both wait in this bot's queue for a retry.
    first = await running_job(bot, first_user, "a fox sandbox:455")
    second = await running_job(bot, second_user, "a hare sandbox:455")
    assert first.state is JobState.PENDING and second.state is JobState.PENDING
    await telegram.wait_for(lambda: "Место в очереди: 1" in shown(first_user), timeout=10)
    await telegram.wait_for(lambda: "Место в очереди: 2" in shown(second_user), timeout=10)
    assert "⏳ В очереди" in shown(second_user)
    await bot.jobs.cancel(first.id)
    await telegram.wait_for(lambda: "Место в очереди: 1" in shown(second_user), timeout=10)


async def test_kies_own_queue_shows_until_kie_starts(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(ADMIN)
    job = await running_job(bot, user, "an owl sandbox:queued sandbox:slow")
    assert job.state is JobState.SUBMITTED
    await telegram.wait_for(lambda: "🎨 Генерирую" in shown(user), timeout=10)
    await bot.jobs.poll(job)  # the status read: KIE says "waiting"
    stored = await bot.jobs.store.get(job.id)
    assert stored is not None and stored.error_code == "kie_queued"
    await telegram.wait_for(lambda: "не взялся за задачу" in shown(user), timeout=10)
    assert "⏳ В очереди" in shown(user) and "место в очереди: 1" in shown(user)
