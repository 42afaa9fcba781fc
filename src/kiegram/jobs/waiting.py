"""What a waiting user is told: whether a job has started, and how long a model usually takes."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from kiegram.jobs.model import Job, JobState

# The error_code of a SUBMITTED job whose last status read said KIE has not started it yet
# ("waiting"/"queuing"): not a failure, so not one of ErrorCode's.
KIE_QUEUED = "kie_queued"
RECENT_JOBS = 20  # the durations an estimate is the median of
MINUTE = 60


def waiting(job: Job) -> bool:
    """True while KIE has not started the job: not yet created at KIE (PENDING), or KIE's last
    status said "waiting"/"queuing"."""
    if job.state is JobState.PENDING:
        return True
    return job.state is JobState.SUBMITTED and job.error_code == KIE_QUEUED


def typical_seconds(durations: Sequence[float]) -> float | None:
    """The median duration of a model's recent successful jobs (None without any)."""
    known = [d for d in durations if d >= 0]
    return statistics.median(known) if known else None


@dataclass(frozen=True, slots=True)
class Estimate:
    """A rounded duration: ``amount`` seconds (under 90 s) or minutes."""

    amount: int
    minutes: bool


def rounded(seconds: float) -> Estimate:
    """Seconds to the nearest 5 (at least 5) under 90 s, else whole minutes."""
    if seconds < 90:
        return Estimate(max(5, 5 * round(seconds / 5)), minutes=False)
    return Estimate(round(seconds / MINUTE), minutes=True)
