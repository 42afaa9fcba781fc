"""A user's past jobs, newest first, page by page (for /history)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kiegram.jobs import Job
from kiegram.storage.jobs_repo import to_job
from kiegram.storage.jobs_table import JobRow


class SqlJobHistory:
    """Read-only queries over the ``jobs`` table for one user."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def page(self, user_id: int, offset: int, limit: int) -> list[Job]:
        """Up to ``limit`` jobs of the user, newest first, skipping ``offset``."""
        query = (
            select(JobRow)
            .where(JobRow.user_id == user_id)
            .order_by(JobRow.created_at.desc(), JobRow.id)
            .offset(offset)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [to_job(row) for row in await session.scalars(query)]

    async def count(self, user_id: int) -> int:
        """How many jobs the user has."""
        query = select(func.count()).select_from(JobRow).where(JobRow.user_id == user_id)
        async with self._sessions() as session:
            return int(await session.scalar(query) or 0)
