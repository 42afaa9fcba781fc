"""What the job lifecycle needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime
from typing import Any, Protocol

from kiegram.jobs.model import Job, JobState, ResultFile
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.endpoint import Endpoint
from kiegram.kie.status import TaskStatus


class JobStore(Protocol):
    """Durable jobs; every transition is a compare-and-set so it happens once."""

    async def add(self, job: Job) -> None:
        """Store a new job."""

    async def add_new(self, job: Job) -> bool:
        """Store a new job; False (nothing changed) when its id is stored already."""

    async def get(self, job_id: str) -> Job | None:
        """The job with ``job_id``."""

    async def by_task_id(self, task_id: str) -> Job | None:
        """The job KIE knows as ``task_id``."""

    async def transition(
        self,
        job_id: str,
        expected: Collection[JobState],
        new_state: JobState,
        **fields: Any,
    ) -> Job | None:
        """Move a job in one of ``expected`` to ``new_state``; None if it was not there."""

    async def mark_sending(self, job_id: str, owner: str) -> bool:
        """Note that a PENDING job's create is being sent, if ``owner`` still leases it."""

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[Job]:
        """Lease up to ``limit`` unfinished jobs that are due and not leased by anyone."""

    async def extend_lease(self, job_id: str, owner: str, until: datetime) -> bool:
        """Move the lease ``owner`` holds on a job to ``until``; False when it is not theirs."""

    async def release_leases(self, owner: str) -> int:
        """Drop every lease ``owner`` holds; returns how many."""

    async def unfinished(self) -> list[Job]:
        """Every job that is not final."""


class TaskApi(Protocol):
    """The part of ``KieClient`` the lifecycle uses."""

    async def create_task(
        self,
        family: ApiFamily,
        model: str | None,
        payload: Mapping[str, Any],
        callback_url: str | None = None,
        endpoint: Endpoint | None = None,
        on_send: Callable[[], Awaitable[object]] | None = None,
    ) -> str:
        """Create a task (at a follow-up's own ``endpoint`` when given); return its id.
        `on_send` runs just before the request goes out."""

    async def get_status(
        self,
        family: ApiFamily,
        task_id: str,
        endpoint: Endpoint | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> TaskStatus:
        """Read a task's status (a repeat ``endpoint`` is read by sending ``payload``)."""


class MediaResolver(Protocol):
    """Turns a wizard media ref (``tg:<file_id>``) into a URL KIE can fetch."""

    async def resolve(self, ref: str) -> str:
        """Upload the referenced file and return its URL; http(s) refs pass through."""


class Delivery(Protocol):
    """Tells the user about the outcome (the bot implements it over Telegram)."""

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Send the results; raise ``DeliveryFailed`` to have it retried later."""

    async def fail(self, job: Job) -> None:
        """Tell the user the job failed (``job.error_code``/``error_message`` say why)."""


class Settlement(Protocol):
    """Settles the user's hold; both calls are idempotent (billing implements them)."""

    async def capture(self, job: Job) -> None:
        """Charge the held amount: the job was delivered."""

    async def release(self, job: Job) -> None:
        """Return the held amount: the job failed or was cancelled."""
