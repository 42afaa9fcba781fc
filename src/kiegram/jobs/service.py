"""JobService: submit a generation, complete it once (callback or poll), deliver, settle.

Creates are never repeated blindly. A job is stored PENDING and leased to the instance that
creates it (the lease is renewed while the create waits for KIE's rate limit and runs). It
is marked ``error_code=sending`` only when its HTTP request starts: a job an instance death
left PENDING without that mark never reached KIE, and the poller (of the restarted instance
at once, of another once the lease ran out) sends it. When KIE certainly did not take a
create (429, 455, a refused connection) the job stays PENDING with ``retry_create`` and the
poller sends it again. When the create may have reached KIE (marked ``sending`` and then
interrupted, a 5xx, a connection lost after sending, an unreadable reply), KIE offers no way
to ask for the task (no task list, no lookup by a reference of ours) but its callback: with
a callback URL the job waits ``unconfirmed`` for it (90 s for images, 5 min for video and
audio, not the whole deadline), and a callback whose ``callBackUrl`` names the job
(``?job=<id>``) and whose task KIE confirms adopts it. Without a callback URL, or when that
wait is over, the job fails as ``unconfirmed`` at once, the hold is released and the user
gets the repeat button.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from kiegram.catalog.catalog import Catalog
from kiegram.jobs.endpoints import endpoint_args, endpoint_of
from kiegram.jobs.errors import JobError, LeaseLost, MediaUnavailable
from kiegram.jobs.finisher import Finisher
from kiegram.jobs.lease import under_lease
from kiegram.jobs.media import resolve_payload
from kiegram.jobs.model import ErrorCode, Job, JobState, utcnow
from kiegram.jobs.ports import Delivery, JobStore, MediaResolver, Settlement, TaskApi
from kiegram.jobs.timing import (
    LEASE_SECONDS,
    RETRY_CREATE_SECONDS,
    deadline_for,
    plan_for,
    poll_delay,
)
from kiegram.jobs.waiting import KIE_QUEUED
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.errors import (
    KieAuthError,
    KieError,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieInvalidInput,
    KieMaintenance,
    KieNotFound,
    KieShuttingDown,
    may_resend_create,
)
from kiegram.kie.status import TaskState, TaskStatus

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
PENDING = frozenset({JobState.PENDING})
SUBMITTED = frozenset({JobState.SUBMITTED})


def job_id_for(hold_key: str) -> str:
    """The id of the one job a hold (or free use) pays for: a confirm that a crash or a
    double tap repeats finds the job it stored, and never stores a second one."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kiegram:{hold_key}").hex


def _failure_code(exc: KieError) -> ErrorCode | None:
    """The final error code of a create that certainly created nothing, else None."""
    if isinstance(exc, KieInsufficientCredits):
        return ErrorCode.NO_CREDITS
    if isinstance(exc, KieAuthError):
        return ErrorCode.AUTH
    if isinstance(exc, KieInvalidInput | KieNotFound):
        return ErrorCode.INVALID_INPUT  # 400/404/422 and other validation refusals
    if isinstance(exc, KieGenerationFailed):
        return ErrorCode.GENERATION_FAILED
    return None


class JobService:
    """The generation lifecycle over a store, the KIE API and the delivery/billing ports."""

    def __init__(
        self,
        store: JobStore,
        api: TaskApi,
        catalog: Catalog,
        media: MediaResolver,
        delivery: Delivery,
        settlement: Settlement,
        *,
        callback_url: str | None = None,
        owner: str | None = None,
        clock: Clock = utcnow,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.store = store
        # Unique per process: leases name their holder, and resume() drops only its own.
        self.owner = owner or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.clock = clock
        self.lease_seconds = lease_seconds
        self._api = api
        self._catalog = catalog
        self._media = media
        self._callback_url = callback_url.rstrip("/") if callback_url else None
        self._finish = Finisher(store, api, delivery, settlement, self.owner, clock, lease_seconds)

    # -- entry points -----------------------------------------------------------------------

    async def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        user_id: int,
        chat_id: int,
        cost: Decimal = Decimal(0),
        hold_key: str | None = None,
        lang: str = "ru",
    ) -> Job:
        """Store the job, then create the KIE task; returns the job as it then stands."""
        job, _new = await self.enqueue(
            model_id,
            payload,
            user_id=user_id,
            chat_id=chat_id,
            cost=cost,
            hold_key=hold_key,
            lang=lang,
        )
        return await self.send(job)

    async def enqueue(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        user_id: int,
        chat_id: int,
        cost: Decimal = Decimal(0),
        hold_key: str | None = None,
        lang: str = "ru",
    ) -> tuple[Job, bool]:
        """Store the job PENDING (leased to this instance until `send`); False with the job
        stored before when its hold key already has one (`job_id_for`): a retried confirm."""
        spec = self._catalog.get(model_id)
        if spec is None:
            raise JobError(f"unknown model {model_id!r}")
        now = self.clock()
        output = spec.output_for(payload).value
        job = Job(
            user_id=user_id,
            chat_id=chat_id,
            model_id=spec.id,
            api=spec.api.value,
            output=output,
            payload=dict(payload),
            cost=cost,
            hold_key=hold_key,
            lang=lang,
            deadline_at=now + deadline_for(output),
            created_at=now,
            updated_at=now,
            next_poll_at=now,
            # Held while creating, so no poller mistakes it for an interrupted submit.
            lease_owner=self.owner,
            lease_until=now + timedelta(seconds=self.lease_seconds),
        )
        if hold_key:
            job = dataclasses.replace(job, id=job_id_for(hold_key))
        if not await self.store.add_new(job):
            return await self._current(job), False
        log.info("job %s stored for model %s", job.id, job.model_id)
        return job, True

    async def send(self, job: Job) -> Job:
        """Create the KIE task of a job `enqueue` stored."""
        return await self._create(job)

    async def cancel(self, job_id: str) -> Job | None:
        """Cancel a job that has no result yet and release its hold; None if too late."""
        cancelled = await self.store.transition(
            job_id, {JobState.PENDING, JobState.SUBMITTED}, JobState.CANCELLED, **_unleased()
        )
        if cancelled is not None:
            log.info("job %s cancelled", job_id)
            await self._finish.settlement.release(cancelled)
        return cancelled

    async def complete(self, task_id: str, job_hint: str | None = None) -> Job | None:
        """Finish the job of ``task_id`` if KIE says it is done; safe to repeat."""
        job = await self.store.by_task_id(task_id)
        if job is None and job_hint:
            job = await self._adopt(task_id, job_hint)
        if job is None:
            log.warning("callback for unknown task %s ignored", task_id)
            return None
        if job.state is not JobState.SUBMITTED:
            return job
        status = await self._read(job)
        if status is None or not status.state.terminal:
            return job
        return await self._finish.settle(job, status)

    async def poll(self, job: Job) -> Job | None:
        """Advance one job this instance has leased (the poller calls this)."""
        now = self.clock()
        if job.state is JobState.SUCCEEDED:
            return await self._finish.deliver(job)
        if job.state is JobState.PENDING:
            return await self._poll_pending(job, now)
        if job.state is not JobState.SUBMITTED:
            return job
        status = await self._read(job)
        if status is not None and status.state.terminal:
            return await self._finish.settle(job, status)
        if now >= job.deadline_at:
            message = "KIE did not finish the task before the deadline"
            return await self._finish.fail(job, ErrorCode.TIMEOUT, message, SUBMITTED)
        return await self._reschedule(job, now, status)

    async def resume(self) -> int:
        """On start-up: drop our old leases and make every submitted job due now."""
        await self.store.release_leases(self.owner)
        now = self.clock()
        unfinished = await self.store.unfinished()
        for job in unfinished:
            if job.state is JobState.SUBMITTED and job.next_poll_at > now:
                await self.store.transition(job.id, SUBMITTED, JobState.SUBMITTED, next_poll_at=now)
        log.info("resuming %d unfinished jobs", len(unfinished))
        return len(unfinished)

    # -- creating ---------------------------------------------------------------------------

    def _callback_for(self, job: Job) -> str | None:
        endpoint = endpoint_of(self._catalog.get(job.model_id))
        if self._callback_url is None or (endpoint is not None and endpoint.repeat):
            return None  # a repeated request (Veo 1080p) has no task to call back about
        return f"{self._callback_url}/{job.api}?job={job.id}"

    def _media_fields(self, job: Job) -> list[str]:
        """The payload's file fields: inputs, and "list.field" for an object list's items."""
        spec = self._catalog.get(job.model_id)
        if spec is None:
            return []
        nested = [f"{i.name}.{f.name}" for i in spec.inputs for f in i.item_fields if f.is_media]
        return [i.name for i in spec.inputs if i.is_media] + nested

    async def _create(self, job: Job) -> Job:
        """Send the create under this instance's lease, renewed while it waits and runs."""
        lease = timedelta(seconds=self.lease_seconds)
        work = self._send_create(job)
        try:
            return await under_lease(self.store, job.id, self.owner, self.clock, lease, work)
        except LeaseLost:  # another instance took the job over: it creates it
            return await self._current(job)

    async def _sending(self, job: Job) -> None:
        """The create's request is about to go out: say so, while the job is still ours."""
        if not await self.store.mark_sending(job.id, self.owner):
            raise LeaseLost(job.id)

    async def _send_create(self, job: Job) -> Job:
        try:
            payload = await resolve_payload(job.payload, self._media_fields(job), self._media)
        except (MediaUnavailable, KieError) as exc:
            failed = await self._finish.fail(job, ErrorCode.MEDIA, str(exc), PENDING)
            return failed or await self._current(job)
        family = ApiFamily(job.api)
        model = job.model_id if family is ApiFamily.MARKET else None
        own = endpoint_args(endpoint_of(self._catalog.get(job.model_id)))
        try:
            task_id = await self._api.create_task(
                family,
                model,
                payload,
                self._callback_for(job),
                on_send=lambda: self._sending(job),
                **own,
            )
        except KieError as exc:
            return await self._create_failed(job, exc)
        log.info("job %s submitted as KIE task %s", job.id, task_id)
        now = self.clock()
        submitted = await self.store.transition(
            job.id,
            PENDING,
            JobState.SUBMITTED,
            task_id=task_id,
            error_code=None,
            error_message=None,
            attempts=0,
            next_poll_at=now + timedelta(seconds=self._first_poll(job)),
            **_unleased(),
        )
        return submitted or await self._current(job)

    def _first_poll(self, job: Job) -> float:
        """Seconds until the first status read: the backup delay when KIE will call back."""
        return poll_delay(job.output, 0, callback=self._callback_for(job) is not None)

    async def _create_failed(self, job: Job, exc: KieError) -> Job:
        code = _failure_code(exc)
        if code is not None:
            failed = await self._finish.fail(job, code, str(exc), PENDING)
            return failed or await self._current(job)
        now = self.clock()
        if isinstance(exc, KieShuttingDown):
            # Never sent (it waited for KIE's rate limit): due at once for the next start.
            log.info("job %s: not sent before shutdown; the next start sends it", job.id)
            return await self._park(job, ErrorCode.RETRY_CREATE, str(exc), now)
        if may_resend_create(exc) or isinstance(exc, KieMaintenance):
            log.warning("job %s: KIE did not take the create (%s); retrying later", job.id, exc)
            wait = now + timedelta(seconds=RETRY_CREATE_SECONDS)
            return await self._park(job, ErrorCode.RETRY_CREATE, str(exc), wait)
        log.warning("job %s: create may have reached KIE (%s); not resending", job.id, exc)
        return await self._unconfirmed(job, str(exc))

    async def _unconfirmed(self, job: Job, message: str) -> Job:
        """The create may have reached KIE: wait a little for its callback when KIE will call
        back, else refund now (module doc)."""
        if self._callback_url is not None:
            wait = self.clock() + timedelta(seconds=plan_for(job.output).unconfirmed)
            return await self._park(job, ErrorCode.UNCONFIRMED, message, min(wait, job.deadline_at))
        failed = await self._finish.fail(job, ErrorCode.UNCONFIRMED, message, PENDING)
        return failed or await self._current(job)

    async def _park(self, job: Job, code: ErrorCode, message: str, until: datetime) -> Job:
        parked = await self.store.transition(
            job.id,
            PENDING,
            JobState.PENDING,
            error_code=code.value,
            error_message=message,
            attempts=job.attempts + 1,
            next_poll_at=until,
            **_unleased(),
        )
        return parked or await self._current(job)

    async def _poll_pending(self, job: Job, now: datetime) -> Job | None:
        if job.error_code in (None, ErrorCode.RETRY_CREATE):
            # Never sent (its instance died waiting for the rate limit) or refused by KIE.
            if now >= job.deadline_at:
                message = job.error_message or "KIE did not take the task before the deadline"
                return await self._finish.fail(job, ErrorCode.TIMEOUT, message, PENDING)
            return await self._create(job)
        if job.error_code == ErrorCode.UNCONFIRMED:  # its callback never came
            message = job.error_message or "KIE never confirmed the task"
            failed = await self._finish.fail(job, ErrorCode.UNCONFIRMED, message, PENDING)
            return failed or await self._current(job)
        # Sent (`sending`) by an instance that died before KIE's reply: it may exist at KIE.
        return await self._unconfirmed(job, "interrupted before KIE confirmed the task")

    # -- tracking ---------------------------------------------------------------------------

    async def _adopt(self, task_id: str, job_id: str) -> Job | None:
        """Attach a task KIE confirms was created for a job whose create was unconfirmed."""
        job = await self.store.get(job_id)
        if job is not None and job.task_id == task_id:
            return job  # its create finished while the callback was on its way
        if job is None or job.state is not JobState.PENDING:
            return None
        status = await self._read_task(job, task_id)
        if status is None or f"job={job.id}" not in json.dumps(status.raw, default=str):
            log.warning("task %s does not belong to job %s; not adopted", task_id, job_id)
            return None
        adopted = await self.store.transition(
            job.id,
            PENDING,
            JobState.SUBMITTED,
            task_id=task_id,
            error_code=None,
            error_message=None,
            next_poll_at=self.clock(),
            **_unleased(),
        )
        if adopted is not None:
            log.info("job %s adopted KIE task %s", job.id, task_id)
            return adopted
        # The create's reply landed while KIE was asked: the job holds the task by now.
        current = await self.store.get(job.id)
        return current if current is not None and current.task_id == task_id else None

    async def _read(self, job: Job) -> TaskStatus | None:
        return None if job.task_id is None else await self._read_task(job, job.task_id)

    async def _read_task(self, job: Job, task_id: str) -> TaskStatus | None:
        endpoint = endpoint_of(self._catalog.get(job.model_id))
        try:
            payload = job.payload
            if endpoint is not None and endpoint.repeat and self._media_fields(job):
                # A repeat request's status read is the request itself: its files go as URLs
                # (the Omni character's photos, sent only there since the endpoint acts once).
                payload = await resolve_payload(payload, self._media_fields(job), self._media)
            own = endpoint_args(endpoint, payload=payload)
            return await self._api.get_status(ApiFamily(job.api), task_id, **own)
        except MediaUnavailable as exc:
            log.warning("job %s: files of task %s unavailable: %s", job.id, task_id, exc)
            return None
        except KieError as exc:
            log.warning("job %s: status of task %s unavailable: %s", job.id, task_id, exc)
            return None

    async def _reschedule(
        self, job: Job, now: datetime, status: TaskStatus | None = None
    ) -> Job | None:
        delay = poll_delay(job.output, job.attempts + 1)
        # Whether KIE has started the task (its "waiting"/"queuing"), for the progress message;
        # an unreadable status keeps what was known.
        queued = job.error_code if status is None else _queued_code(status)
        return await self.store.transition(
            job.id,
            {job.state},
            job.state,
            error_code=queued,
            attempts=job.attempts + 1,
            next_poll_at=now + timedelta(seconds=delay),
            **_unleased(),
        )

    async def _current(self, job: Job) -> Job:
        return await self.store.get(job.id) or job


def _queued_code(status: TaskStatus) -> str | None:
    return KIE_QUEUED if status.state is TaskState.QUEUED else None


def _unleased() -> dict[str, Any]:
    return {"lease_owner": None, "lease_until": None}
