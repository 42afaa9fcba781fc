"""Keeping a job's lease alive while slow work (downloads, uploads to Telegram) runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from kiegram.jobs.errors import LeaseLost
from kiegram.jobs.ports import JobStore

log = logging.getLogger(__name__)
T = TypeVar("T")
BEATS_PER_LEASE = 3  # renew well before expiry: a late beat still lands inside the lease


async def under_lease(
    store: JobStore,
    job_id: str,
    owner: str,
    clock: Callable[[], datetime],
    lease: timedelta,
    work: Awaitable[T],
) -> T:
    """Run `work` while extending `owner`'s lease on the job every third of `lease`.

    When an extension fails (the lease ran out and another instance claimed the job) the
    work is cancelled and LeaseLost raised, so two instances never deliver side by side.
    """
    task = asyncio.ensure_future(work)
    every = lease.total_seconds() / BEATS_PER_LEASE
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            if not await store.extend_lease(job_id, owner, clock() + lease):
                log.warning("job %s: lease lost by %s; stopping its delivery", job_id, owner)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                raise LeaseLost(job_id)
    finally:
        if not task.done():
            task.cancel()
