"""The admin panel's storage: stats by UTC day and the model on/off switches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from kiegram.billing.cards import STARS
from kiegram.billing.records import DayStats, EntryKind
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry, ModelSwitch, PaymentRow, User
from kiegram.storage.db import session_factory, upsert_insert
from kiegram.storage.direct import Direct

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
# Read fresh at every confirm: built once, run on a Core connection (a session cost more).
_SWITCHES = select(ModelSwitch.model_id, ModelSwitch.option, ModelSwitch.enabled)


def _as_date(value: object) -> date:
    # SQLite's date() gives text, PostgreSQL's cast gives a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _per_day(
    session: AsyncSession, stamp: Any, measure: Any, span: tuple[datetime, datetime], where: Any
) -> Sequence[Any]:
    """(UTC day, measure) rows for stamps in [start, end)."""
    if session.get_bind().dialect.name == "sqlite":
        day: Any = func.date(stamp)
    else:
        day = cast(func.timezone("UTC", stamp), Date)
    query = select(day, measure).where(stamp >= span[0], stamp < span[1], where).group_by(day)
    return (await session.execute(query)).all()


class SqlBillingRepo:
    """StatsStore and SwitchStore over an async engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._direct = Direct(engine)
        self._sessions = session_factory(engine)

    async def day_stats(self, since: date, until: date) -> list[DayStats]:
        """One row per UTC day in [since, until], days without activity included."""
        span = (
            datetime.combine(since, time(), UTC),
            datetime.combine(until + timedelta(days=1), time(), UTC),
        )
        count = (until - since).days + 1
        days: dict[date, dict[str, int]] = {since + timedelta(days=n): {} for n in range(count)}
        async with self._sessions() as session:
            for field, stamp, measure, where in MEASURES:
                for day, value in await _per_day(session, stamp, measure, span, where):
                    bucket = days[_as_date(day)]
                    bucket[field] = bucket.get(field, 0) + int(value or 0)
        return [DayStats(day, **values) for day, values in days.items()]

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
