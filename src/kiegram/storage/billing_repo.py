"""The admin panel's storage: stats by UTC day and the model on/off switches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import aliased

from kiegram.billing.activity import JobCount
from kiegram.billing.cards import STARS
from kiegram.billing.margins import MarginRow
from kiegram.billing.records import DayStats, EntryKind
from kiegram.jobs.model import JobState
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry, ModelSwitch, PaymentRow, User
from kiegram.storage.db import session_factory, upsert_insert
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.jobs_table import JobRow

# (DayStats field, timestamp column, measure, filter); free uses count as generations too.
MEASURES: tuple[tuple[str, Any, Any, Any], ...] = (
    ("new_users", User.created_at, func.count(), true()),
    ("generations", LedgerEntry.created_at, func.count(), LedgerEntry.kind == EntryKind.CAPTURE),
    ("generations", FreeUseRow.created_at, func.count(), FreeUseRow.returned.is_(False)),
    ("stars", PaymentRow.created_at, func.sum(PaymentRow.stars), PaymentRow.currency == STARS),
    (
        "refunded_stars",
        PaymentRow.refunded_at,
        func.sum(PaymentRow.stars),
        PaymentRow.currency == STARS,
    ),
    ("card_units", PaymentRow.created_at, func.sum(PaymentRow.units), PaymentRow.currency != STARS),
)
_FINAL = (JobState.DELIVERED.value, JobState.FAILED.value)
# Read fresh at every confirm: built once, run on a Core connection (a session cost more).
_SWITCHES = select(ModelSwitch.model_id, ModelSwitch.option, ModelSwitch.enabled)


def _as_date(value: object) -> date:
    # SQLite's date() gives text, PostgreSQL's cast gives a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _dec(value: object) -> Decimal:
    """A summed Numeric as a Decimal (SQLite may give a float or an int)."""
    return Decimal(str(value or 0))


def _span(since: date, until: date) -> tuple[datetime, datetime]:
    """[since 00:00, the day after until 00:00) in UTC."""
    return (
        datetime.combine(since, time(), UTC),
        datetime.combine(until + timedelta(days=1), time(), UTC),
    )


def _day(session: AsyncSession, stamp: Any) -> Any:
    """The UTC day of a timestamp column, in the session's dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(stamp)
    return cast(func.timezone("UTC", stamp), Date)


async def _per_day(
    session: AsyncSession, stamp: Any, measure: Any, span: tuple[datetime, datetime], where: Any
) -> Sequence[Any]:
    """(UTC day, measure) rows for stamps in [start, end)."""
    day = _day(session, stamp)
    query = select(day, measure).where(stamp >= span[0], stamp < span[1], where).group_by(day)
    return (await session.execute(query)).all()


class SqlBillingRepo:
    """StatsStore and SwitchStore over an async engine."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        self._engine = engine = self._direct.engine
        self._sessions = session_factory(engine)

    async def day_stats(self, since: date, until: date) -> list[DayStats]:
        """One row per UTC day in [since, until], days without activity included."""
        span = _span(since, until)
        count = (until - since).days + 1
        days: dict[date, dict[str, int]] = {since + timedelta(days=n): {} for n in range(count)}
        async with self._sessions() as session:
            for field, stamp, measure, where in MEASURES:
                for day, value in await _per_day(session, stamp, measure, span, where):
                    bucket = days[_as_date(day)]
                    bucket[field] = bucket.get(field, 0) + int(value or 0)
        return [DayStats(day, **values) for day, values in days.items()]

    async def units_captured(self, since: date, until: date) -> dict[date, int]:
        """Units of the holds captured each UTC day in [since, until] (the chart's revenue)."""
        hold = aliased(LedgerEntry)
        capture = aliased(LedgerEntry)
        measure = func.sum(-hold.amount - capture.amount)  # a partial capture gave some back
        where = and_(capture.kind == EntryKind.CAPTURE, hold.key == capture.settles)
        out: dict[date, int] = {}
        async with self._sessions() as session:
            rows = await _per_day(session, capture.created_at, measure, _span(since, until), where)
        for day, value in rows:
            out[_as_date(day)] = int(value or 0)
        return out

    async def job_counts(self, since: date, until: date) -> list[JobCount]:
        """Final jobs per UTC day (of their last change), model and state."""
        stamp = JobRow.updated_at
        span = _span(since, until)
        async with self._sessions() as session:
            day = _day(session, stamp)
            query = (
                select(day, JobRow.model_id, JobRow.state, func.count())
                .where(stamp >= span[0], stamp < span[1], JobRow.state.in_(_FINAL))
                .group_by(day, JobRow.model_id, JobRow.state)
            )
            rows = (await session.execute(query)).all()
        return [JobCount(_as_date(d), model, state, int(n)) for d, model, state, n in rows]

    async def margin_rows(self, since: date, until: date) -> list[MarginRow]:
        """Delivered jobs per UTC day and model: units captured from their holds, their
        prices and KIE's reported cost (`jobs.kie_credits`)."""
        hold = aliased(LedgerEntry)
        capture = aliased(LedgerEntry)
        paid = select(func.coalesce(func.sum(-hold.amount), 0)).where(
            hold.key == JobRow.hold_key,
            hold.kind == EntryKind.HOLD,
            capture.settles == hold.key,
            capture.kind == EntryKind.CAPTURE,
        )
        span = _span(since, until)
        async with self._sessions() as session:
            day = _day(session, JobRow.updated_at)
            query = (
                select(
                    day,
                    JobRow.model_id,
                    func.count(),
                    func.sum(paid.scalar_subquery()),
                    func.sum(JobRow.cost),
                    func.sum(func.coalesce(JobRow.kie_credits, 0)),
                    func.count(JobRow.kie_credits),
                )
                .where(
                    JobRow.updated_at >= span[0],
                    JobRow.updated_at < span[1],
                    JobRow.state == JobState.DELIVERED.value,
                )
                .group_by(day, JobRow.model_id)
            )
            rows = (await session.execute(query)).all()
        return [
            MarginRow(_as_date(d), m, int(n), int(u or 0), int(q or 0), _dec(c), int(r))
            for d, m, n, u, q, c, r in rows
        ]

    async def switches(self) -> dict[tuple[str, str], bool]:
        """(model id, option or "") -> enabled."""
        async with self._direct.connect() as conn:  # every confirm reads them
            return {(m, o): e for m, o, e in await conn.execute(_SWITCHES)}

    async def set_switch(self, model_id: str, option: str, enabled: bool) -> None:
        """Turn a model (option "") or one option ("name=value") on or off."""
        now = datetime.now(UTC)
        row = {"model_id": model_id, "option": option, "enabled": enabled, "updated_at": now}
        upsert = upsert_insert(self._engine.dialect.name)(ModelSwitch).values(**row)
        upsert = upsert.on_conflict_do_update(
            index_elements=[ModelSwitch.model_id, ModelSwitch.option],
            set_={"enabled": enabled, "updated_at": now},
        )
        async with self._engine.begin() as conn:
            await conn.execute(upsert)
