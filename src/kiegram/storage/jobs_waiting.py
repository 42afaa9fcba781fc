"""What progress messages ask the ``jobs`` table: a job's place in the queue, a model's recent
durations (statements built once, run on the driver: every ticking message asks)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.jobs import Job, JobState
from kiegram.jobs.waiting import KIE_QUEUED
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.jobs_table import JobRow

_JOBS = cast(Table, JobRow.__table__)
_WAITING = or_(
    _JOBS.c.state == JobState.PENDING.value,
    and_(
        _JOBS.c.state == JobState.SUBMITTED.value,
        _JOBS.c.error_code == KIE_QUEUED,
    ),
)
_AHEAD = (
    select(func.count())
    .select_from(_JOBS)
    .where(
        _JOBS.c.model_id == bindparam("model_id"),
        _WAITING,
        _JOBS.c.created_at < bindparam("created_at"),
    )
)
_RECENT = (
    select(_JOBS.c.created_at, _JOBS.c.updated_at)
    .where(
        _JOBS.c.model_id == bindparam("model_id"),
        _JOBS.c.state == JobState.DELIVERED.value,
    )
    .order_by(_JOBS.c.updated_at.desc())
    .limit(bindparam("limit"))
)


class SqlWaiting:
    """Queue positions and recent durations from the jobs of every user of this bot."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)

    async def ahead(self, job: Job) -> int:
        """How many jobs of the same model wait for KIE and were stored before this one."""
        params = {"model_id": job.model_id, "created_at": job.created_at}
        async with self._direct.connect() as conn:
            return int(await conn.scalar(_AHEAD, params) or 0)

    async def durations(self, model_id: str, limit: int) -> list[float]:
        """Seconds from stored to delivered of the model's last ``limit`` delivered jobs."""
        async with self._direct.connect() as conn:
            rows = await conn.execute(_RECENT, {"model_id": model_id, "limit": limit})
            return [(row.updated_at - row.created_at).total_seconds() for row in rows]
