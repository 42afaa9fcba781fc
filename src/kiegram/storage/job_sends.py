"""The ``job_sends`` table: the messages of a job's result Telegram accepted, one row each.

Telegram's send methods have no idempotency key, and a send and its record cannot share a
transaction: each message is recorded as soon as Telegram accepted it, so a delivery that a
crash interrupted sends only what is missing, and a duplicate is possible only for the one
message whose send returned just before the crash.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import String, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new
from kiegram.storage.direct import Direct, fast_path


class JobSendRow(Base):
    """One message of a job's result that was sent (``step`` names it: ``photo:0``, ``done``)."""

    __tablename__ = "job_sends"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)


_TABLE = cast(Table, JobSendRow.__table__)
_STEPS = select(_TABLE.c.step).where(_TABLE.c.job_id == bindparam("b_job_id"))


class SqlJobSends:
    """Which messages of each job's result were sent."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._put = insert_if_new(_TABLE, engine.dialect.name)

    async def sent(self, job_id: str) -> set[str]:
        """The steps of `job_id`'s delivery already sent."""
        async with self._direct.connect() as conn:
            return {row[0] for row in await conn.execute(_STEPS, {"b_job_id": job_id})}

    async def mark(self, job_id: str, step: str) -> None:
        """Record one sent step (once; a repeat changes nothing)."""
        async with self._direct.connect() as conn:  # one statement: its own transaction
            await conn.execute(self._put, {"job_id": job_id, "step": step})
