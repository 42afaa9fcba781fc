"""The poller: leases due jobs and advances them, so lost callbacks and restarts lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from kiegram.jobs.model import Job
from kiegram.jobs.service import JobService
from kiegram.jobs.sweeper import SWEEP_EVERY, sweep_periodically

log = logging.getLogger(__name__)


class Poller:
    """Polls due jobs in batches; several instances share the work through leases."""

    def __init__(
        self,
        service: JobService,
        *,
        batch: int = 20,
        idle_seconds: float = 1.0,
        sweep: Callable[[], Awaitable[object]] | None = None,
        sweep_every: float = SWEEP_EVERY,
    ) -> None:
        self._service = service
        self._batch = batch
        self._idle = idle_seconds
        self._sweep = sweep
        self._sweep_every = sweep_every

    async def run_once(self) -> int:
        """Claim and advance one batch of due jobs; returns how many were claimed."""
        service = self._service
        jobs = await service.store.claim_due(
            service.clock(), service.owner, service.lease_seconds, self._batch
        )
        await asyncio.gather(*(self._advance(job) for job in jobs))
        return len(jobs)

    async def run(self, stop: asyncio.Event) -> None:
        """Resume unfinished jobs, then poll (and sweep orphaned holds) until ``stop`` is set."""
        await self._service.resume()
        sweeping = None
        if self._sweep is not None:
            # Beside the polling, not inside it: a slow sweep must not delay any job.
            sweeping = asyncio.create_task(sweep_periodically(self._sweep, stop, self._sweep_every))
        try:
            while not stop.is_set():
                if await self.run_once() == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._idle)
        finally:
            if sweeping is not None:
                sweeping.cancel()
                await asyncio.gather(sweeping, return_exceptions=True)
        await self._service.store.release_leases(self._service.owner)

    async def _advance(self, job: Job) -> None:
        try:
            await self._service.poll(job)
        except Exception:
            # One broken job must not stop the loop; its lease expires and it is retried.
            log.exception("job %s: poll failed", job.id)
