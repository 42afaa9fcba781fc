"""The waiting lines of a progress message: the place in the queue and the usual duration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kiegram.i18n import Translator
from kiegram.jobs import Job, JobState
from kiegram.jobs.model import utcnow
from kiegram.jobs.waiting import RECENT_JOBS, Estimate, rounded, typical_seconds, waiting
from kiegram.storage.jobs_waiting import SqlWaiting

ESTIMATE_TTL = timedelta(seconds=60)  # a model's estimate is worked out again after this


class WaitingLines:
    """Lines for a running job's progress message; estimates cached per model for a minute."""

    def __init__(
        self,
        store: SqlWaiting,
        translator: Translator,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.translator = translator
        self.clock = clock
        self._estimates: dict[str, tuple[datetime, Estimate | None]] = {}

    async def lines(self, job: Job) -> list[str]:
        """The place in the queue while KIE has not started; the estimate when known."""
        t, lang = self.translator, job.lang
        shown = []
        if waiting(job):
            key = "waiting.kie_queue" if job.state is JobState.SUBMITTED else "waiting.position"
            shown.append(t(lang, key, n=await self.store.ahead(job) + 1))
        estimate = await self.estimate(job.model_id)
        if estimate is not None:
            unit = "waiting.minutes" if estimate.minutes else "waiting.seconds"
            shown.append(t(lang, unit, amount=estimate.amount))
        return shown

    async def estimate(self, model_id: str) -> Estimate | None:
        """The median of the model's recent durations, rounded (None without history)."""
        now = self.clock()
        cached = self._estimates.get(model_id)
        if cached is not None and now - cached[0] < ESTIMATE_TTL:
            return cached[1]
        seconds = typical_seconds(await self.store.durations(model_id, RECENT_JOBS))
        estimate = None if seconds is None else rounded(seconds)
        self._estimates[model_id] = (now, estimate)
        return estimate
