"""The end of a job: record KIE's verdict once, deliver results, settle the hold."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from decimal import Decimal

from kiegram.jobs.errors import DeliveryFailed, LeaseLost
from kiegram.jobs.lease import under_lease
from kiegram.jobs.media import result_filename
from kiegram.jobs.model import ErrorCode, Job, JobState, ResultFile
from kiegram.jobs.ports import Delivery, JobStore, Settlement, TaskApi
from kiegram.jobs.timing import DELIVERY_RETRY_SECONDS, MAX_DELIVERY_ATTEMPTS
from kiegram.kie.status import TaskState, TaskStatus

log = logging.getLogger(__name__)

SUCCEEDED = frozenset({JobState.SUCCEEDED})


def _credits(status: TaskStatus) -> Decimal | None:
    """KIE's own figure for the task, as stored (None when the record has none)."""
    if status.credits_consumed is None:
        return None
    return Decimal(str(status.credits_consumed))


class Finisher:
    """Moves a job to its final state exactly once and tells billing and the user."""

    def __init__(
        self,
        store: JobStore,
        api: TaskApi,
        delivery: Delivery,
        settlement: Settlement,
        owner: str,
        clock: Callable[[], datetime],
        lease_seconds: float,
    ) -> None:
        self.store = store
        self.settlement = settlement
        self._api = api
        self._delivery = delivery
        self._owner = owner
        self._clock = clock
        self._lease = timedelta(seconds=lease_seconds)

    async def settle(self, job: Job, status: TaskStatus) -> Job | None:
        """Apply a terminal status to a SUBMITTED job; only the first caller acts on it."""
        if status.state is TaskState.FAILED:
            reason = status.fail_message or "generation failed"
            if status.fail_code:
                reason = f"[{status.fail_code}] {reason}"
            return await self.fail(job, ErrorCode.GENERATION_FAILED, reason, {JobState.SUBMITTED})
        now = self._clock()
        # The lease makes this instance the one that delivers; if it dies, the lease expires
        # and a poller picks the SUCCEEDED job up again.
        won = await self.store.transition(
            job.id,
            {JobState.SUBMITTED},
            JobState.SUCCEEDED,
            result_urls=tuple(status.result_urls),
            result_ids=tuple(status.result_ids),
            result_seconds=tuple(status.result_seconds),
            result_text=status.result_text,
            kie_credits=_credits(status),
            error_code=None,  # no longer waiting at KIE (see JobService._reschedule)
            attempts=0,
            lease_owner=self._owner,
            lease_until=now + self._lease,
            next_poll_at=now + self._lease,
        )
        if won is None:
            return await self.store.get(job.id)
        log.info("job %s: KIE task %s succeeded", job.id, job.task_id)
        return await self.deliver(won)

    async def deliver(self, job: Job) -> Job | None:
        """Deliver a SUCCEEDED job's results, capture, mark it DELIVERED.

        The lease is renewed while this runs (a big video may take longer than the lease);
        if another instance took it anyway, this attempt stops and that instance delivers.
        """
        try:
            files = await under_lease(
                self.store, job.id, self._owner, self._clock, self._lease, self._send(job)
            )
        except DeliveryFailed as exc:
            return await self._delivery_failed(job, str(exc))
        except LeaseLost:
            return await self.store.get(job.id)
        await self.settlement.capture(job)
        done = await self.store.transition(
            job.id, SUCCEEDED, JobState.DELIVERED, lease_owner=None, lease_until=None
        )
        log.info("job %s delivered (%d files)", job.id, len(files))
        return done

    async def fail(
        self, job: Job, code: ErrorCode, message: str, expected: Collection[JobState]
    ) -> Job | None:
        """Fail a job still in ``expected``, release its hold and tell the user."""
        failed = await self.store.transition(
            job.id,
            expected,
            JobState.FAILED,
            error_code=code.value,
            error_message=message[:1000],
            lease_owner=None,
            lease_until=None,
        )
        if failed is None:
            return await self.store.get(job.id)
        log.info("job %s failed (%s): %s", job.id, code.value, message)
        await self.settlement.release(failed)
        try:
            await self._delivery.fail(failed)
        except DeliveryFailed as exc:
            log.warning("job %s: could not tell the user about the failure: %s", job.id, exc)
        return failed

    async def _send(self, job: Job) -> list[ResultFile]:
        files = results_of(job)
        await self._delivery.deliver(job, files)
        return files

    async def _delivery_failed(self, job: Job, reason: str) -> Job | None:
        if job.attempts + 1 >= MAX_DELIVERY_ATTEMPTS:
            return await self.fail(job, ErrorCode.DELIVERY, reason, SUCCEEDED)
        log.warning("job %s: delivery failed, retrying later: %s", job.id, reason)
        return await self.store.transition(
            job.id,
            SUCCEEDED,
            JobState.SUCCEEDED,
            attempts=job.attempts + 1,
            error_message=reason[:1000],
            next_poll_at=self._clock() + timedelta(seconds=DELIVERY_RETRY_SECONDS),
            lease_owner=None,
            lease_until=None,
        )


def results_of(job: Job) -> list[ResultFile]:
    """A job's results as the delivery gets them: each file by its URL (the delivery moves
    the bytes, streamed, or hands Telegram the URL), or the text when there is no file."""
    files = [
        ResultFile(
            url=url, filename=result_filename(job.id, index, url, job.output), kind=job.output
        )
        for index, url in enumerate(job.result_urls)
    ]
    if not files and job.result_text:
        # A transcript, or a helper's answer (resultObject) that has no file: sent as text.
        name = result_filename(job.id, 0, "", "text")
        files.append(ResultFile("", name, "text", job.result_text.encode()))
    return files
