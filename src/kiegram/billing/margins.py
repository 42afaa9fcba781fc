"""The margin report: per model and UTC day, what users paid against what KIE charged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MarginRow:
    """Delivered jobs of one model on one UTC day (a storage row)."""

    day: date
    model_id: str
    jobs: int
    paid_units: int  # units captured from users' holds (free generations pay none)
    price_units: int  # the jobs' prices in units (free ones included)
    charged: Decimal  # KIE credits KIE reported consumed, where it reported
    reported: int  # how many of the jobs KIE reported a cost for


class MarginStore(Protocol):
    """Reads delivered jobs grouped by day and model."""

    async def margin_rows(self, since: date, until: date) -> Sequence[MarginRow]:
        """One row per (day, model) with delivered jobs in [since, until]."""


@dataclass(frozen=True, slots=True)
class Margin:
    """One line of the report, in KIE credits (units converted at `credits_per_unit`)."""

    day: date | None  # None: the whole period
    model_id: str
    jobs: int
    paid_units: int
    paid: Decimal
    cost: Decimal  # KIE's figure where reported, an estimate from the price for the rest
    unreported: int  # jobs whose cost is estimated (KIE said nothing)

    @property
    def margin(self) -> Decimal:
        """Paid minus cost, in KIE credits."""
        return self.paid - self.cost

    @property
    def losing(self) -> bool:
        """True when the model cost more than users paid."""
        return self.cost > self.paid


def margins(
    rows: Iterable[MarginRow], credits_per_unit: Decimal, markup: Decimal, by_day: bool = True
) -> list[Margin]:
    """The report's lines: per day and model (newest day first), or per model for the period
    (worst margin first). A job KIE reported no cost for is estimated at its price without
    the markup (the catalog's quote, up to the price's rounding)."""
    merged: dict[tuple[date | None, str], list[MarginRow]] = {}
    for row in rows:
        merged.setdefault((row.day if by_day else None, row.model_id), []).append(row)
    quote = credits_per_unit / markup
    out = [
        _line(day, model, group, credits_per_unit, quote) for (day, model), group in merged.items()
    ]
    if by_day:
        return sorted(out, key=lambda m: (-(m.day or date.min).toordinal(), m.model_id))
    return sorted(out, key=lambda m: (m.margin, m.model_id))


def _line(
    day: date | None, model: str, rows: list[MarginRow], per_unit: Decimal, quote: Decimal
) -> Margin:
    jobs = sum(r.jobs for r in rows)
    units = sum(r.paid_units for r in rows)
    unreported = sum(r.jobs - r.reported for r in rows)
    # The unreported jobs' share of the prices, back in KIE credits.
    estimate = sum(
        (r.price_units * quote * (r.jobs - r.reported) / r.jobs for r in rows if r.jobs),
        Decimal(),
    )
    cost = sum((r.charged for r in rows), Decimal()) + estimate
    return Margin(day, model, jobs, units, units * per_unit, cost, unreported)


HEADER = (
    "day",
    "model",
    "jobs",
    "paid_units",
    "paid_credits",
    "kie_credits",
    "margin",
    "unreported",
)


def _cells(m: Margin) -> tuple[str, ...]:
    day = m.day.isoformat() if m.day else "all"
    numbers = (m.paid, m.cost, m.margin)
    money = tuple(f"{n.quantize(Decimal('0.01'))}" for n in numbers)
    return (day, m.model_id, str(m.jobs), str(m.paid_units), *money, str(m.unreported))


def as_csv(lines: Sequence[Margin]) -> str:
    """The report as CSV (one header line)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(m) for m in lines)
    return out.getvalue()


def as_table(lines: Sequence[Margin]) -> str:
    """The report as aligned text, a ⚠ before every losing line."""
    rows = [HEADER, *(_cells(m) for m in lines)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    flags = ["  ", *("⚠ " if m.losing else "  " for m in lines)]
    return "\n".join(
        flag + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for flag, r in zip(flags, rows, strict=True)
    )
