"""A restart in the middle of 50 pending jobs completes every one of them exactly once."""

from __future__ import annotations

import asyncio

from jobs_fakes import FakeClock, Harness, make_harness, minimal_payload, sandbox_client

from kiegram.catalog.catalog import Catalog
from kiegram.jobs.model import JobState
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
