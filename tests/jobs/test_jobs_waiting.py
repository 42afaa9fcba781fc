"""The waiting rules: which jobs wait for KIE, the median estimate and its rounding."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kiegram.jobs import Job, JobState
from kiegram.jobs.model import ErrorCode
from kiegram.jobs.waiting import KIE_QUEUED, Estimate, rounded, typical_seconds, waiting


def job(state: JobState, code: str | None = None) -> Job:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return Job(
        1, 1, "z-image", "market", "image", {}, Decimal(0), now, state=state, error_code=code
    )


def test_a_job_waits_until_kie_starts_it() -> None:
    assert waiting(job(JobState.PENDING, ErrorCode.RETRY_CREATE))
    assert waiting(job(JobState.SUBMITTED, KIE_QUEUED))
    assert not waiting(job(JobState.SUBMITTED))
    assert not waiting(job(JobState.SUCCEEDED))


def test_the_estimate_is_the_median() -> None:
    assert typical_seconds([]) is None
    assert typical_seconds([30, 40, 52]) == 40
    assert typical_seconds([30, 40, 50, 60]) == 45


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.4, Estimate(5, False)),
        (41, Estimate(40, False)),
        (89, Estimate(90, False)),
        (90, Estimate(2, True)),
        (185, Estimate(3, True)),
        (600, Estimate(10, True)),
    ],
)
def test_estimates_are_rounded_as_people_say_them(seconds: float, shown: Estimate) -> None:
    assert rounded(seconds) == shown
