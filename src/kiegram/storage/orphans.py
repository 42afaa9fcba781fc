"""SqlOrphanHolds: open holds and free uses no job carries (the sweeper's OrphanFinder)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kiegram.jobs.sweeper import OpenHold
from kiegram.storage.billing_tables import FreeUseRow, LedgerEntry
from kiegram.storage.jobs_table import JobRow
from kiegram.storage.ledger_tx import OPEN_HOLD

JOB_KEYS = "job:"  # the bot's desk keys holds `job:<user>:<sid>`; other holds are not ours
# A delivered free use stays unreturned for good, so only recent ones are looked at; an
# orphan is found within minutes by a running sweeper, and a week covers long downtimes.
FREE_WINDOW = timedelta(days=7)


class SqlOrphanHolds:
    """Finds orphans with two anti-joins against ``jobs.hold_key``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        prefix: str = JOB_KEYS,
        free_window: timedelta = FREE_WINDOW,
    ) -> None:
        self._sessions = sessions
        self._prefix = prefix
        self._free_window = free_window

    async def orphans(self, placed_before: datetime, limit: int) -> list[OpenHold]:
        """Open holds and free uses placed before `placed_before` that no job carries."""
        async with self._sessions() as session:
            holds = await self._holds(session, placed_before, limit)
            frees = await self._frees(session, placed_before, limit)
        return sorted(holds + frees, key=lambda hold: hold.created_at)[:limit]

    async def _holds(
        self, session: AsyncSession, placed_before: datetime, limit: int
    ) -> list[OpenHold]:
        query = (
            select(LedgerEntry.key, LedgerEntry.user_id, LedgerEntry.created_at)
            .where(
                *OPEN_HOLD,
                LedgerEntry.created_at < placed_before,
                LedgerEntry.key.startswith(self._prefix, autoescape=True),
                ~exists().where(JobRow.hold_key == LedgerEntry.key),
            )
            .order_by(LedgerEntry.created_at)
            .limit(limit)
        )
        rows = (await session.execute(query)).all()
        return [OpenHold(row.key, row.user_id, row.created_at) for row in rows]

    async def _frees(
        self, session: AsyncSession, placed_before: datetime, limit: int
    ) -> list[OpenHold]:
        query = (
            select(FreeUseRow.job_key, FreeUseRow.user_id, FreeUseRow.created_at)
            .where(
                FreeUseRow.returned.is_(False),
                FreeUseRow.created_at < placed_before,
                FreeUseRow.created_at >= placed_before - self._free_window,
                FreeUseRow.job_key.startswith(self._prefix, autoescape=True),
                ~exists().where(JobRow.hold_key == FreeUseRow.job_key),
            )
            .order_by(FreeUseRow.created_at)
            .limit(limit)
        )
        rows = (await session.execute(query)).all()
        return [OpenHold(row.job_key, row.user_id, row.created_at, free=True) for row in rows]
