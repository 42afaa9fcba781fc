"""Kept result files and the waiting queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.jobs import Job, JobState
from kiegram.jobs.waiting import KIE_QUEUED
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.storage.jobs_waiting import SqlWaiting
from kiegram.storage.result_files import KeptFile, SqlResultFiles

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def test_kept_files_by_index_and_the_first_delivery_wins(engine: AsyncEngine) -> None:
    kept = SqlResultFiles(engine)
    job_id = uuid.uuid4().hex
    assert await kept.get(job_id) == []
    grid = [KeptFile(i, "photo", f"AgAC-{i}") for i in (2, 0, 3, 1)]
    await kept.put(job_id, grid)
    await kept.put(job_id, [KeptFile(0, "photo", "sent-again")])  # a repeated delivery
    assert await kept.get(job_id) == sorted(grid, key=lambda k: k.index)
    await kept.put(job_id, [])


def job(
    model: str, state: JobState, minute: int, seconds: float = 0, code: str | None = None
) -> Job:
    created = T0 + timedelta(minutes=minute)
    return Job(
        user_id=1,
        chat_id=1,
        model_id=model,
        api="market",
        output="image",
        payload={},
        cost=Decimal(0),
        deadline_at=created + timedelta(minutes=10),
        state=state,
        error_code=code,
        created_at=created,
        updated_at=created + timedelta(seconds=seconds),
    )


async def test_the_place_in_the_queue_and_recent_durations(engine: AsyncEngine) -> None:
    model, other = f"m-{uuid.uuid4().hex[:8]}", f"o-{uuid.uuid4().hex[:8]}"
    store, waiting = SqlJobStore(engine), SqlWaiting(engine)
    jobs = [
        job(model, JobState.PENDING, 0),
        job(model, JobState.SUBMITTED, 1, code=KIE_QUEUED),
        job(model, JobState.SUBMITTED, 2),  # KIE works on it: not waiting
        job(other, JobState.PENDING, 3),  # another model
        job(model, JobState.PENDING, 4),
        job(model, JobState.DELIVERED, 5, 30),
        job(model, JobState.DELIVERED, 6, 50),
        job(model, JobState.FAILED, 7, 5),
    ]
    for item in jobs:
        await store.add(item)
    assert [await waiting.ahead(j) for j in (jobs[0], jobs[1], jobs[4])] == [0, 1, 2]
    assert await waiting.durations(model, 20) == [50.0, 30.0]  # newest first, delivered only
    assert await waiting.durations(model, 1) == [50.0]
    assert await waiting.durations(other, 20) == []
