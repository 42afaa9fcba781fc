"""A delivery slower than the job lease keeps its lease, so a second instance never re-sends."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from jobs_fakes import CountingDelivery, CountingSettlement, UploadingResolver, minimal_payload

from kiegram.catalog.catalog import Catalog
from kiegram.jobs.model import Job, JobState, ResultFile, utcnow
from kiegram.jobs.poller import Poller
from kiegram.jobs.ports import Delivery, Settlement
from kiegram.jobs.service import JobService
from kiegram.kie.client import KieClient
from kiegram.sandbox import SandboxServer
from kiegram.storage.jobs_repo import SqlJobStore

LEASE = 0.6  # seconds; the heartbeat renews every third of it
IMAGE = "google/nano-banana"


@dataclass
class SlowDelivery(CountingDelivery):
    """Sends only when the test says so, like a big video upload on a slow link."""

    started: asyncio.Event = field(default_factory=asyncio.Event)
    finish: asyncio.Event = field(default_factory=asyncio.Event)
    attempts: int = 0
    abandoned: int = 0

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        self.attempts += 1
        self.started.set()
        try:
            await self.finish.wait()
        except asyncio.CancelledError:
            self.abandoned += 1
            raise
        await super().deliver(job, files)


def instance(
    store: SqlJobStore,
    client: KieClient,
    catalog: Catalog,
    owner: str,
    delivery: Delivery,
    settlement: Settlement,
) -> Poller:
    """One bot instance's poller on the real clock with a short lease."""
    service = JobService(
        store,
        client,
        catalog,
        UploadingResolver(client),
        delivery,
        settlement,
        owner=owner,
        lease_seconds=LEASE,
    )
    return Poller(service, batch=10)


async def succeeded_job(
    store: SqlJobStore, poller: Poller, catalog: Catalog, sandbox: SandboxServer
) -> Job:
    """A job KIE finished, due for delivery and leased by nobody."""
    spec = catalog.get(IMAGE)
    assert spec is not None
    service = poller._service
    job = await service.submit(IMAGE, minimal_payload(spec), user_id=1, chat_id=1)
    assert job.state is JobState.SUBMITTED and job.task_id is not None
    done = await store.transition(
        job.id,
        {JobState.SUBMITTED},
        JobState.SUCCEEDED,
        result_urls=tuple(sandbox.kie.tasks[job.task_id].result_urls),
        next_poll_at=utcnow(),
        lease_owner=None,
        lease_until=None,
    )
    assert done is not None
    return done


async def test_a_delivery_longer_than_the_lease_is_sent_once(
    store: SqlJobStore, client: KieClient, catalog: Catalog, sandbox: SandboxServer
) -> None:
    delivery, other, settlement = SlowDelivery(), CountingDelivery(), CountingSettlement()
    a = instance(store, client, catalog, "instance-a", delivery, settlement)
    b = instance(store, client, catalog, "instance-b", other, settlement)
    job = await succeeded_job(store, a, catalog, sandbox)
    sending = asyncio.create_task(a.run_once())
    await delivery.started.wait()
    # B keeps polling for well over two leases while A's upload is still going.
    for _ in range(6):
        await asyncio.sleep(LEASE / 2)
        assert await b.run_once() == 0
    delivery.finish.set()
    assert await sending == 1
    stored = await store.get(job.id)
    assert stored is not None and stored.state is JobState.DELIVERED
    assert stored.lease_owner is None
    assert (delivery.attempts, delivery.delivered[job.id]) == (1, 1)
    assert not other.delivered
    assert settlement.captured[job.id] == 1 and settlement.settled_once(job.id)
    assert await b.run_once() == 0


async def test_an_instance_that_lost_the_lease_stops_and_the_other_delivers_once(
    store: SqlJobStore, client: KieClient, catalog: Catalog, sandbox: SandboxServer
) -> None:
    slow, quick, settlement = SlowDelivery(), CountingDelivery(), CountingSettlement()
    a = instance(store, client, catalog, "instance-a", slow, settlement)
    b = instance(store, client, catalog, "instance-b", quick, settlement)
    job = await succeeded_job(store, a, catalog, sandbox)
    sending = asyncio.create_task(a.run_once())
    await slow.started.wait()
    # A stalled past its lease (a frozen process) and B's poller took the job over.
    past = utcnow() - timedelta(seconds=1)
    await store.transition(
        job.id, {JobState.SUCCEEDED}, JobState.SUCCEEDED, lease_owner="instance-b", lease_until=past
    )
    assert await b.run_once() == 1
    await sending  # A's next heartbeat finds the lease gone and abandons its upload
    assert (slow.attempts, slow.abandoned, slow.delivered[job.id]) == (1, 1, 0)
    assert quick.delivered[job.id] == 1
    stored = await store.get(job.id)
    assert stored is not None and stored.state is JobState.DELIVERED
    assert settlement.captured[job.id] == 1 and settlement.settled_once(job.id)


async def test_extend_lease_only_for_its_holder(store: SqlJobStore) -> None:
    now = utcnow()
    job = Job(
        user_id=1,
        chat_id=1,
        model_id=IMAGE,
        api="market",
        output="image",
        payload={},
        cost=Decimal(0),
        deadline_at=now + timedelta(minutes=10),
        lease_owner="a",
        lease_until=now + timedelta(seconds=5),
    )
    await store.add(job)
    later = now + timedelta(minutes=1)
    assert await store.extend_lease(job.id, "a", later)
    assert not await store.extend_lease(job.id, "b", later)
    assert not await store.extend_lease("missing", "a", later)
    stored = await store.get(job.id)
    assert stored is not None and stored.lease_until == later and stored.lease_owner == "a"
