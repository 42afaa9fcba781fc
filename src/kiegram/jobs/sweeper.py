"""Releasing holds and free uses whose job was never stored.

The bot places a hold (or takes a free use) under the job's key and only then stores and
submits the job; a process dying in between leaves a hold no job will ever settle. After
`ORPHAN_AFTER` such a hold is given back. Both releases are idempotent in billing, so two
sweepers racing still move the money once; `run_exclusive` keeps it to one instance anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kiegram.jobs.model import utcnow

log = logging.getLogger(__name__)

# Long past any submit (the job is stored within seconds of its hold), short for the user.
ORPHAN_AFTER = timedelta(minutes=10)
SWEEP_EVERY = 300.0
BATCH = 200


@dataclass(frozen=True, slots=True)
class OpenHold:
    """An unsettled hold or an unreturned free use, by its key (`job:<user>:<sid>`)."""

    key: str
    user_id: int
    created_at: datetime
    free: bool = False  # a free use rather than a money hold


class OrphanFinder(Protocol):
    """Finds open holds and free uses that no job carries (storage implements it)."""

    async def orphans(self, placed_before: datetime, limit: int) -> list[OpenHold]:
        """Open holds and free uses placed before `placed_before` whose key is no job's."""


class Settled(Protocol):
    """What a release reports (billing's SettleResult fits)."""

    @property
    def moved(self) -> bool:
        """True when this call, not an earlier one, settled the hold."""


class HoldReleaser(Protocol):
    """Gives a hold back once (billing's Ledger fits)."""

    async def release(self, key: str) -> Settled:
        """Release the hold under `key`; a no-op when it is settled already."""


class FreeReturner(Protocol):
    """Gives a free use back once (billing's FreeQuota fits)."""

    async def return_free(self, job_key: str) -> bool:
        """Return the free use of `job_key`; True only the first time."""


class HoldSweeper:
    """Releases orphaned holds and free uses, each once, and logs every one."""

    def __init__(
        self,
        finder: OrphanFinder,
        ledger: HoldReleaser,
        quota: FreeReturner,
        *,
        after: timedelta = ORPHAN_AFTER,
        clock: Callable[[], datetime] = utcnow,
        batch: int = BATCH,
    ) -> None:
        self._finder = finder
        self._ledger = ledger
        self._quota = quota
        self._after = after
        self._clock = clock
        self._batch = batch

    async def sweep(self) -> list[OpenHold]:
        """Release one batch of orphans; returns those this call (not another) released."""
        released = []
        for hold in await self._finder.orphans(self._clock() - self._after, self._batch):
            if await self._release(hold):
                what = "free use" if hold.free else "hold"
                log.warning(
                    "orphaned %s %s of user %s (placed %s, no job) released",
                    what,
                    hold.key,
                    hold.user_id,
                    hold.created_at.isoformat(),
                )
                released.append(hold)
        return released

    async def _release(self, hold: OpenHold) -> bool:
        if hold.free:
            return await self._quota.return_free(hold.key)
        return (await self._ledger.release(hold.key)).moved


async def sweep_periodically(
    sweep: Callable[[], Awaitable[object]], stop: asyncio.Event, every: float = SWEEP_EVERY
) -> None:
    """Call `sweep` now and then every `every` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            await sweep()
        except Exception:
            # A database hiccup must not end sweeping for the process's lifetime.
            log.exception("sweeping orphaned holds failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
