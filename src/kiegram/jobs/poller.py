"""The poller: leases due jobs and advances them, so lost callbacks and restarts lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kiegram.jobs.model import Job
from kiegram.jobs.service import JobService

log = logging.getLogger(__name__)


class Poller:
    """Polls due jobs in batches; several instances share the work through leases."""

    def __init__(self, service: JobService, *, batch: int = 20, idle_seconds: float = 1.0) -> None:
        self._service = service
        self._batch = batch
        self._idle = idle_seconds

    async def run_once(self) -> int:
        """Claim and advance one batch of due jobs; returns how many were claimed."""
        service = self._service
        jobs = await service.store.claim_due(
            service.clock(), service.owner, service.lease_seconds, self._batch
        )
        await asyncio.gather(*(self._advance(job) for job in jobs))
        return len(jobs)

    async def run(self, stop: asyncio.Event) -> None:
        """Resume unfinished jobs, then poll until ``stop`` is set."""
        await self._service.resume()
        while not stop.is_set():
            if await self.run_once() == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._idle)
        await self._service.store.release_leases(self._service.owner)

    async def _advance(self, job: Job) -> None:
        try:
            await self._service.poll(job)
        except Exception:
            # One broken job must not stop the loop; its lease expires and it is retried.
            log.exception("job %s: poll failed", job.id)
