"""Fault injection: by configuration (counts and switches) or by markers in a prompt.

Markers (anywhere in any text input): ``sandbox:429``, ``sandbox:455``, ``sandbox:500``
(the first create of that text is refused or, for 500, created but answered with an error),
``sandbox:fail`` (the generation fails with 501), ``sandbox:slow`` (takes ``slow_delay``),
``sandbox:lost-callback``, ``sandbox:dup-callback``, ``sandbox:queued`` (a Market task
says "waiting" until it is done, as a task KIE has not started yet) and
``sandbox:overcharge`` (the task record reports ten times the catalog's credits as consumed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MARKERS = (
    "429",
    "455",
    "500",
    "fail",
    "slow",
    "lost-callback",
    "dup-callback",
    "queued",
    "overcharge",
)


@dataclass(slots=True)
class Faults:
    """What the sandbox does wrong; counters are consumed by the next requests."""

    delay: float = 0.0  # seconds until a task completes
    create_hold: float = 0.0  # seconds a create request waits before KIE takes it (a kill
    # then lands while the request is in flight; the task exists if the wait ends)
    slow_delay: float = 3600.0
    rate_limit_creates: int = 0  # the next N creates get 429 and create nothing
    maintenance_creates: int = 0  # ... get 455 and create nothing
    server_error_creates: int = 0  # ... create the task but answer 500
    status_errors: int = 0  # the next N status reads answer 500
    fail_all: bool = False  # every generation fails (501)
    lose_callbacks: bool = False
    duplicate_callbacks: bool = False
    webhook_key: str | None = None  # signs callbacks like KIE does when set
    api_key: str | None = None  # when set, only this bearer token is accepted
    credits: float = 1000.0
    price_factor: float = 1.0  # the price feed's prices, times this (a price KIE moved)
    result_size: int = 0  # bytes of each result file (padded, served in pieces); 0: tiny
    seen_markers: set[tuple[str, str]] = field(default_factory=set)

    def take(self, counter: str) -> bool:
        """Consume one unit of a counter; True if the fault applies now."""
        left: int = getattr(self, counter)
        if left <= 0:
            return False
        setattr(self, counter, left - 1)
        return True


def markers_in(values: Iterable[Any]) -> set[str]:
    """The markers found in the text values (and text lists) of a request."""
    found: set[str] = set()
    for value in values:
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str):
                found.update(m for m in MARKERS if f"sandbox:{m}" in text)
    return found


def first_time(faults: Faults, marker: str, payload: Mapping[str, Any]) -> bool:
    """True the first time ``marker`` is seen with this payload (so a retry succeeds)."""
    key = (marker, repr(sorted(payload.items(), key=lambda kv: kv[0])))
    if key in faults.seen_markers:
        return False
    faults.seen_markers.add(key)
    return True
