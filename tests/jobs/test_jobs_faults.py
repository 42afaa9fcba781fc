"""Each fault the sandbox can inject ends correctly: retried, failed with a reason, or resumed."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from jobs_fakes import Harness, make_harness, minimal_payload, sandbox_client
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.catalog.catalog import Catalog
from kiegram.jobs.model import ErrorCode, Job, JobState
from kiegram.kie import KieClient
from kiegram.sandbox import SandboxServer
from kiegram.storage.db import create_engine
from kiegram.storage.jobs_repo import SqlJobStore

IMAGE = "google/nano-banana"


def payload(catalog: Catalog, marker: str = "", model: str = IMAGE) -> dict[str, object]:
    spec = catalog.get(model)
    assert spec is not None
    return minimal_payload(spec, f"sandbox:{marker}" if marker else "")


async def finished(harness: Harness, job: Job) -> Job:
    await harness.drive()
    stored = await harness.service.store.get(job.id)
    assert stored is not None
    return stored


def assert_delivered_once(harness: Harness, job: Job) -> None:
    assert job.state is JobState.DELIVERED
    assert harness.delivery.delivered[job.id] == 1
    assert harness.settlement.captured[job.id] == 1
    assert harness.settlement.settled_once(job.id)


def assert_failed_once(harness: Harness, job: Job, code: ErrorCode) -> None:
    assert job.state is JobState.FAILED
    assert job.error_code == code
    assert harness.delivery.failed[job.id] == 1
    assert harness.settlement.released[job.id] == 1
    assert harness.settlement.settled_once(job.id)
    assert not harness.delivery.delivered[job.id]


async def test_a_429_is_retried_by_the_client(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    job = await harness.submit(IMAGE, payload(catalog, "429"))
    assert job.state is JobState.SUBMITTED
    assert_delivered_once(harness, await finished(harness, job))
    assert len(sandbox.kie.tasks) == 1


async def test_a_create_refused_for_long_is_resent_later(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    sandbox.faults.rate_limit_creates = 10  # more than the client's own retries
    job = await harness.submit(IMAGE, payload(catalog))
    assert job.state is JobState.PENDING and job.error_code == ErrorCode.RETRY_CREATE
    sandbox.faults.rate_limit_creates = 0
    assert_delivered_once(harness, await finished(harness, job))
    assert len(sandbox.kie.tasks) == 1


async def test_maintenance_is_waited_out(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    job = await harness.submit(IMAGE, payload(catalog, "455"))
    assert job.error_code == ErrorCode.RETRY_CREATE
    assert_delivered_once(harness, await finished(harness, job))
    assert len(sandbox.kie.tasks) == 1


async def test_an_unconfirmed_create_is_never_resent_and_refunded_at_once(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    """KIE offers no way to ask for a task we have no id of: no 10-minute wait for nothing."""
    job = await harness.submit(IMAGE, payload(catalog, "500"), cost=Decimal(5), hold_key="h1")
    assert_failed_once(harness, job, ErrorCode.UNCONFIRMED)
    await harness.drive()
    assert_failed_once(harness, await finished(harness, job), ErrorCode.UNCONFIRMED)
    assert len(sandbox.kie.tasks) == 1  # created once by KIE, never a second time


async def test_with_a_callback_url_an_unconfirmed_create_waits_90_s_for_its_callback(
    store: SqlJobStore, client: KieClient, catalog: Catalog, sandbox: SandboxServer
) -> None:
    sandbox.kie.faults.lose_callbacks = True  # the callback that would adopt it never comes
    harness = make_harness(store, client, catalog, callback_url="http://127.0.0.1:9/kie/callback")
    job = await harness.submit(IMAGE, payload(catalog, "500"), cost=Decimal(5), hold_key="h2")
    assert job.state is JobState.PENDING and job.error_code == ErrorCode.UNCONFIRMED
    harness.clock.advance(60)
    await harness.poller.run_once()
    assert (await store.get(job.id)).state is JobState.PENDING  # type: ignore[union-attr]
    harness.clock.advance(31)  # 91 s: given up, far before the 10-minute deadline
    await harness.poller.run_once()
    assert_failed_once(harness, await finished(harness, job), ErrorCode.UNCONFIRMED)
    assert len(sandbox.kie.tasks) == 1


async def test_a_failed_generation_reports_kies_reason(harness: Harness, catalog: Catalog) -> None:
    job = await harness.submit(IMAGE, payload(catalog, "fail"))
    failed = await finished(harness, job)
    assert_failed_once(harness, failed, ErrorCode.GENERATION_FAILED)
    assert failed.error_message and "[501]" in failed.error_message
    assert "asked to fail" in failed.error_message


async def test_a_slow_task_fails_cleanly_at_its_deadline(
    harness: Harness, catalog: Catalog
) -> None:
    job = await harness.submit(
        "kling-2.6/text-to-video", payload(catalog, "slow", "kling-2.6/text-to-video")
    )
    assert job.state is JobState.SUBMITTED
    await harness.poller.run_once()
    harness.clock.advance(31 * 60)
    assert_failed_once(harness, await finished(harness, job), ErrorCode.TIMEOUT)


async def test_status_errors_are_ridden_out(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    job = await harness.submit(IMAGE, payload(catalog))
    sandbox.faults.status_errors = 50  # beyond the client's retries: the poller tries later
    harness.clock.advance(5)
    await harness.poller.run_once()
    assert (await harness.service.store.get(job.id)).state is JobState.SUBMITTED  # type: ignore[union-attr]
    sandbox.faults.status_errors = 0
    assert_delivered_once(harness, await finished(harness, job))


async def test_invalid_input_fails_at_once_with_kies_message(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    bad = {**payload(catalog), "no_such_field": 1}
    job = await harness.submit(IMAGE, bad)
    assert_failed_once(harness, job, ErrorCode.INVALID_INPUT)
    assert job.error_message and "no_such_field" in job.error_message
    assert not sandbox.kie.tasks


async def test_a_bad_api_key_fails_with_auth(
    store: SqlJobStore, catalog: Catalog, sandbox: SandboxServer
) -> None:
    sandbox.faults.api_key = "the-right-key"
    async with sandbox_client(sandbox.base_url, "a-wrong-key") as client:
        harness = make_harness(store, client, catalog)
        job = await harness.submit(IMAGE, payload(catalog))
    assert_failed_once(harness, job, ErrorCode.AUTH)
    assert "a-wrong-key" not in (job.error_message or "")


async def test_a_cancelled_job_ignores_its_late_result(harness: Harness, catalog: Catalog) -> None:
    job = await harness.submit(IMAGE, payload(catalog))
    cancelled = await harness.service.cancel(job.id)
    assert cancelled is not None and cancelled.state is JobState.CANCELLED
    assert await harness.service.cancel(job.id) is None
    assert job.task_id is not None
    await harness.service.complete(job.task_id)
    harness.clock.advance(60)
    await harness.drive()
    assert harness.settlement.released[job.id] == 1
    assert not harness.settlement.captured[job.id]
    assert not harness.delivery.delivered[job.id] and not harness.delivery.failed[job.id]


async def test_a_failed_delivery_is_retried_and_captured_once(
    harness: Harness, catalog: Catalog
) -> None:
    harness.delivery.refuse = 1
    job = await harness.submit(IMAGE, payload(catalog))
    assert_delivered_once(harness, await finished(harness, job))


async def test_results_are_handed_to_the_delivery_by_url_not_downloaded(
    store: SqlJobStore, catalog: Catalog, client: object, sandbox: SandboxServer
) -> None:
    # The jobs core holds no file bytes: the delivery streams them or hands Telegram the URL.
    harness = make_harness(store, client, catalog)  # type: ignore[arg-type]
    job = await harness.submit(IMAGE, payload(catalog))
    assert_delivered_once(harness, await finished(harness, job))
    files = harness.delivery.files[job.id]
    assert files and all(f.data is None and f.url.startswith(sandbox.base_url) for f in files)


async def test_with_a_callback_url_polling_waits_for_the_callback_to_be_overdue(
    store: SqlJobStore, client: KieClient, catalog: Catalog
) -> None:
    harness = make_harness(store, client, catalog, callback_url="http://127.0.0.1:9/kie")
    job = await harness.submit(IMAGE, payload(catalog, "lost-callback"))
    assert job.state is JobState.SUBMITTED and job.next_poll_at is not None
    assert (job.next_poll_at - harness.clock.now).total_seconds() == 20  # not 3
    harness.clock.advance(19)
    await harness.poller.run_once()
    early = await harness.service.store.get(job.id)
    assert early is not None and early.state is JobState.SUBMITTED and early.attempts == 0
    # The callback never came: polling takes over and delivers once.
    assert_delivered_once(harness, await finished(harness, job))


async def test_without_a_callback_url_the_first_poll_comes_soon(
    harness: Harness, catalog: Catalog
) -> None:
    job = await harness.submit(IMAGE, payload(catalog))
    assert job.next_poll_at is not None
    assert (job.next_poll_at - harness.clock.now).total_seconds() == 3


class TaskStored(SqlJobStore):
    """The job store, telling when a transition stored a task id."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.stored = asyncio.Event()

    async def transition(self, *args: Any, **fields: Any) -> Job | None:
        moved = await super().transition(*args, **fields)
        if moved is not None and fields.get("task_id"):
            self.stored.set()
        return moved


class CreateReplyLate:
    """The KIE client, but the create's reply reaches the bot only while a callback for the
    same task is being checked (KIE called back before it answered the create)."""

    def __init__(self, client: KieClient, store: TaskStored) -> None:
        self.client = client
        self.store = store
        self.created = asyncio.Event()
        self.reply = asyncio.Event()
        self.task_id = ""

    async def create_task(self, *args: Any, **kwargs: Any) -> str:
        self.task_id = await self.client.create_task(*args, **kwargs)
        self.created.set()
        await self.reply.wait()
        return self.task_id

    async def get_status(self, *args: Any, **kwargs: Any) -> Any:
        status = await self.client.get_status(*args, **kwargs)
        self.reply.set()
        await self.store.stored.wait()  # the create stored its task meanwhile
        return status

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


async def test_a_callback_racing_the_create_reply_still_completes_the_job(
    db_url: str, client: KieClient, catalog: Catalog, sandbox: SandboxServer
) -> None:
    sandbox.faults.lose_callbacks = True  # the test plays the callback itself
    engine = create_engine(db_url)
    store = TaskStored(engine)
    api = CreateReplyLate(client, store)
    harness = make_harness(store, api, catalog, callback_url="http://127.0.0.1:9/kie")  # type: ignore[arg-type]
    try:
        submitting = asyncio.create_task(harness.submit(IMAGE, payload(catalog)))
        await asyncio.wait_for(api.created.wait(), 10)
        (pending,) = await store.unfinished()
        assert pending.task_id is None
        completed = await asyncio.wait_for(harness.service.complete(api.task_id, pending.id), 10)
        await submitting
        assert completed is not None
        stored = await store.get(pending.id)
        assert stored is not None
        assert_delivered_once(harness, stored)
        assert len(sandbox.kie.tasks) == 1
    finally:
        await engine.dispose()
