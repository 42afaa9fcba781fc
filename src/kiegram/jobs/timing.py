"""Polling backoff and deadlines per output kind, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class PollPlan:
    """How often to poll one kind of output and when to give up."""

    first: float  # seconds before the first poll
    cap: float  # the longest pause between polls
    factor: float
    deadline: timedelta
    backup: float  # seconds before the first poll when KIE will call back
    unconfirmed: float  # seconds a create that may have reached KIE waits for its callback


# KIE suggests 2-3 s polls at first, then 5-10 s, then 15-30 s; stop after 10-15 min. With
# a callback URL polling is only the backup: it starts once the callback is overdue.
FAST = PollPlan(
    first=3.0, cap=15.0, factor=1.5, deadline=timedelta(minutes=10), backup=20.0, unconfirmed=90.0
)
SLOW = PollPlan(
    first=10.0, cap=30.0, factor=1.5, deadline=timedelta(minutes=30), backup=60.0, unconfirmed=300.0
)
PLANS = {"image": FAST, "text": FAST, "video": SLOW, "audio": SLOW}

LEASE_SECONDS = 10.0  # renewed every third while work runs: a dead holder shows in seconds
RETRY_CREATE_SECONDS = 20.0  # after a 429/455/refused connection the client gave up on
DELIVERY_RETRY_SECONDS = 30.0
MAX_DELIVERY_ATTEMPTS = 5


def plan_for(output: str) -> PollPlan:
    """The plan of an output kind (slow for unknown kinds: they are usually big)."""
    return PLANS.get(output, SLOW)


def poll_delay(output: str, attempt: int, *, callback: bool = False) -> float:
    """Seconds to wait before poll number ``attempt`` (0-based); later when KIE calls back."""
    plan = plan_for(output)
    if callback and attempt == 0:
        return plan.backup
    return float(min(plan.cap, plan.first * plan.factor ** max(0, attempt)))


def deadline_for(output: str) -> timedelta:
    """How long a job of this output kind may take in all."""
    return plan_for(output).deadline
