"""What the admin's chart shows per UTC day: units earned, Stars, generations by menu
section, failures and refunds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from kiegram.catalog import Catalog
from kiegram.catalog.menu import section_of

OTHER = "other"  # jobs of a model the catalog no longer lists, or no menu reaches


@dataclass(frozen=True, slots=True)
class JobCount:
    """How many jobs of one model ended in one state on one day (a storage row)."""

    day: date
    model_id: str
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class DayActivity:
    """One day of the chart."""

    day: date
    units: int = 0  # units captured for generations (revenue in the bot's credits)
    stars: int = 0  # Stars paid
    refunded_stars: int = 0  # Stars refunded
    by_section: Mapping[str, int] = field(default_factory=dict)  # delivered jobs
    failed: int = 0  # jobs that failed (their holds came back)


class ActivityStore(Protocol):
    """Reads the raw per-day figures the chart is built from."""

    async def units_captured(self, since: date, until: date) -> Mapping[date, int]:
        """Units of the holds captured each day."""

    async def job_counts(self, since: date, until: date) -> Sequence[JobCount]:
        """Final jobs per day, model and state."""


def section(catalog: Catalog, model_id: str) -> str:
    """The menu section a model's jobs count under."""
    spec = catalog.get(model_id)
    found = section_of(spec.category) if spec is not None else None
    return found or OTHER


def build_days(
    days: Iterable[date],
    units: Mapping[date, int],
    stars: Mapping[date, tuple[int, int]],
    jobs: Iterable[JobCount],
    catalog: Catalog,
) -> list[DayActivity]:
    """The chart's days, in order, from the stores' figures (`stars`: paid, refunded)."""
    sections: dict[date, dict[str, int]] = {}
    failed: dict[date, int] = {}
    for row in jobs:
        if row.state == "delivered":
            bucket = sections.setdefault(row.day, {})
            name = section(catalog, row.model_id)
            bucket[name] = bucket.get(name, 0) + row.count
        elif row.state == "failed":
            failed[row.day] = failed.get(row.day, 0) + row.count
    out = []
    for day in days:
        paid, refunded = stars.get(day, (0, 0))
        out.append(
            DayActivity(
                day,
                units=units.get(day, 0),
                stars=paid,
                refunded_stars=refunded,
                by_section=sections.get(day, {}),
                failed=failed.get(day, 0),
            )
        )
    return out
