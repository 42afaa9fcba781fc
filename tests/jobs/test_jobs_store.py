"""The SqlJobStore contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from kiegram.jobs.model import Job, JobState
from kiegram.storage.jobs_repo import SqlJobStore

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def make_job(**overrides: object) -> Job:
    fields: dict[str, object] = {
        "user_id": 7,
        "chat_id": 7,
        "model_id": "google/nano-banana",
        "api": "market",
        "output": "image",
        "payload": {"prompt": "лиса в снегу", "image_urls": ["tg:abc"]},
        "cost": Decimal("12.5"),
        "deadline_at": NOW + timedelta(minutes=10),
        "created_at": NOW,
        "updated_at": NOW,
        "next_poll_at": NOW,
    }
    fields.update(overrides)
    return Job(**fields)  # type: ignore[arg-type]


async def test_a_job_round_trips(store: SqlJobStore) -> None:
    job = make_job(hold_key="hold-1", lang="en")
    await store.add(job)
    assert await store.get(job.id) == job


async def test_transition_is_a_compare_and_set(store: SqlJobStore) -> None:
    job = make_job()
    await store.add(job)
    moved = await store.transition(
        job.id, {JobState.PENDING}, JobState.SUBMITTED, task_id="t-1", result_urls=("u",)
    )
    assert moved is not None and moved.state is JobState.SUBMITTED
    assert moved.result_urls == ("u",)
    assert await store.transition(job.id, {JobState.PENDING}, JobState.FAILED) is None
    found = await store.by_task_id("t-1")
    assert found is not None and found.state is JobState.SUBMITTED


async def test_concurrent_transitions_have_one_winner(store: SqlJobStore) -> None:
    job = make_job(state=JobState.SUBMITTED, task_id="t-2")
    await store.add(job)
    results = await asyncio.gather(
        *(store.transition(job.id, {JobState.SUBMITTED}, JobState.SUCCEEDED) for _ in range(8))
    )
    assert sum(r is not None for r in results) == 1


async def test_claim_due_leases_each_job_to_one_owner(store: SqlJobStore) -> None:
    jobs = [make_job(state=JobState.SUBMITTED, task_id=f"c-{i}") for i in range(10)]
    later = make_job(next_poll_at=NOW + timedelta(minutes=5))
    done = make_job(state=JobState.DELIVERED)
    for job in [*jobs, later, done]:
        await store.add(job)
    first, second = await asyncio.gather(
        store.claim_due(NOW, "a", 60, 6), store.claim_due(NOW, "b", 60, 6)
    )
    ids_a, ids_b = {j.id for j in first}, {j.id for j in second}
    assert not ids_a & ids_b
    assert ids_a | ids_b == {j.id for j in jobs}
    assert await store.claim_due(NOW, "c", 60, 20) == []
    # Once the leases expire the jobs are due again.
    again = await store.claim_due(NOW + timedelta(seconds=61), "c", 60, 20)
    assert len(again) == 10


async def test_release_leases_and_unfinished(store: SqlJobStore) -> None:
    for i in range(3):
        await store.add(make_job(state=JobState.SUBMITTED, task_id=f"r-{i}"))
    await store.add(make_job(state=JobState.FAILED))
    assert len(await store.claim_due(NOW, "a", 60, 10)) == 3
    assert await store.release_leases("a") == 3
    assert len(await store.claim_due(NOW, "b", 60, 10)) == 3
    assert len(await store.unfinished()) == 3
