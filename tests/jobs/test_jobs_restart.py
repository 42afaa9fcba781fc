"""A restart in the middle of 50 pending jobs completes every one of them exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from decimal import Decimal

from jobs_fakes import FakeClock, Harness, make_harness, minimal_payload, sandbox_client

from kiegram.catalog.catalog import Catalog
from kiegram.jobs.model import SENDING, ErrorCode, Job, JobState
from kiegram.kie import KieClient
from kiegram.sandbox import SandboxServer
from kiegram.storage.jobs_repo import SqlJobStore

MODELS = ["google/nano-banana", "kling-2.6/text-to-video", "suno", "veo3.1", "runway"]


async def test_a_restart_mid_way_delivers_all_50_exactly_once(
    harness: Harness, store: SqlJobStore, catalog: Catalog, sandbox: SandboxServer
) -> None:
    ids = []
    for n in range(50):
        spec = catalog.get(MODELS[n % len(MODELS)])
        assert spec is not None
        job = await harness.submit(spec.id, minimal_payload(spec, f"#{n}"))
        assert job.state is JobState.SUBMITTED
        ids.append(job.id)
    # Instance A leases a batch and dies without finishing it; one job had reached SUCCEEDED.
    harness.clock.advance(60)
    held = await store.claim_due(harness.clock(), "instance-a", 60, 15)
    assert len(held) == 15
    await store.transition(
        held[0].id,
        {JobState.SUBMITTED},
        JobState.SUCCEEDED,
        result_urls=sandbox.kie.tasks[held[0].task_id or ""].result_urls,
    )
    # Two fresh instances over the same database share the rest and A's work once its
    # leases expire; the delivery and billing fakes count across both.
    clock = FakeClock()
    clock.now = harness.clock()
    async with (
        sandbox_client(sandbox.base_url) as client_b,
        sandbox_client(sandbox.base_url) as client_c,
    ):
        b = make_harness(store, client_b, catalog, owner="instance-b", clock=clock)
        c = make_harness(
            store,
            client_c,
            catalog,
            owner="instance-c",
            clock=clock,
            delivery=b.delivery,
            settlement=b.settlement,
        )
        assert await b.service.resume() == 50
        for _ in range(10):
            await asyncio.gather(b.poller.run_once(), c.poller.run_once())
            clock.advance(31)
    for job_id in ids:
        job = await store.get(job_id)
        assert job is not None and job.state is JobState.DELIVERED
        assert b.delivery.delivered[job_id] == 1, job_id
        assert b.settlement.captured[job_id] == 1 and not b.settlement.released[job_id]
    assert len(sandbox.kie.tasks) == 50
    assert not await store.unfinished()


async def test_callbacks_and_pollers_racing_on_one_job_deliver_it_once(
    harness: Harness, store: SqlJobStore, catalog: Catalog, sandbox: SandboxServer
) -> None:
    spec = catalog.get("google/nano-banana")
    assert spec is not None
    jobs = [await harness.submit(spec.id, minimal_payload(spec, f"#{n}")) for n in range(5)]
    async with sandbox_client(sandbox.base_url) as other:
        second = make_harness(
            store,
            other,
            catalog,
            owner="instance-b",
            clock=harness.clock,
            delivery=harness.delivery,
            settlement=harness.settlement,
        )
        harness.clock.advance(10)
        racers = [s.service.complete(j.task_id or "") for j in jobs for s in (harness, second)]
        await asyncio.gather(*racers, harness.poller.run_once(), second.poller.run_once())
    for job in jobs:
        assert harness.delivery.delivered[job.id] == 1
        assert harness.settlement.settled_once(job.id)


def _orphan(harness: Harness, error_code: str | None) -> Job:
    """A job whose instance died while creating it (its lease still runs for a minute)."""
    now = harness.clock()
    spec = harness.catalog.get("google/nano-banana")
    assert spec is not None
    return Job(
        user_id=1,
        chat_id=1,
        model_id=spec.id,
        api="market",
        output="image",
        payload=minimal_payload(spec),
        cost=Decimal(3),
        deadline_at=now + timedelta(minutes=10),
        next_poll_at=now,
        error_code=error_code,
        lease_owner="dead-instance",
        lease_until=now + timedelta(seconds=60),
    )


async def test_a_job_never_sent_before_its_instance_died_is_sent_by_another(
    harness: Harness, store: SqlJobStore, sandbox: SandboxServer
) -> None:
    orphan = _orphan(harness, None)  # it waited for the rate limiter: no request went out
    await store.add(orphan)
    await harness.poller.run_once()
    assert not sandbox.kie.tasks  # the dead instance's lease still stands
    harness.clock.advance(61)
    await harness.drive()
    done = await store.get(orphan.id)
    assert done is not None and done.state is JobState.DELIVERED
    assert len(sandbox.kie.tasks) == 1 and harness.delivery.delivered[orphan.id] == 1


async def test_a_job_whose_create_was_being_sent_is_refunded_at_once(
    harness: Harness, store: SqlJobStore, sandbox: SandboxServer
) -> None:
    orphan = _orphan(harness, SENDING)  # its request may have reached KIE
    await store.add(orphan)
    harness.clock.advance(61)
    await harness.poller.run_once()
    failed = await store.get(orphan.id)
    assert failed is not None and failed.state is JobState.FAILED
    assert failed.error_code == ErrorCode.UNCONFIRMED
    assert harness.settlement.released[orphan.id] == 1 and harness.delivery.failed[orphan.id] == 1
    assert not sandbox.kie.tasks  # never resent


async def test_a_restarted_instance_sends_its_own_waiting_jobs_at_once(
    harness: Harness, store: SqlJobStore, catalog: Catalog, sandbox: SandboxServer
) -> None:
    """The same instance id after a restart: its leases are its own to drop at start."""
    orphan = dataclasses.replace(_orphan(harness, None), lease_owner=harness.service.owner)
    await store.add(orphan)
    assert await harness.service.resume() == 1
    await harness.drive()
    done = await store.get(orphan.id)
    assert done is not None and done.state is JobState.DELIVERED
    assert len(sandbox.kie.tasks) == 1


async def test_a_create_waiting_for_the_limiter_is_marked_only_once_sent(
    store: SqlJobStore, catalog: Catalog, sandbox: SandboxServer
) -> None:
    gate = asyncio.Event()

    class Closed:
        async def acquire(self) -> None:
            await gate.wait()

    async with KieClient("sandbox-key", base_url=sandbox.base_url, limiter=Closed()) as kie:
        waiting = make_harness(store, kie, catalog, owner="waiting")
        spec = catalog.get("google/nano-banana")
        assert spec is not None
        submit = asyncio.create_task(waiting.submit(spec.id, minimal_payload(spec)))
        for _ in range(100):
            if await store.unfinished():
                break
            await asyncio.sleep(0.01)
        [job] = await store.unfinished()
        assert job.error_code is None and job.lease_owner == "waiting"
        gate.set()
        sent = await submit
        assert sent.state is JobState.SUBMITTED and len(sandbox.kie.tasks) == 1
