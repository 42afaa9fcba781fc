"""The ``job_messages`` table: which chat message shows a job's progress (survives restarts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import BigInteger, Boolean, String, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new


class JobMessageRow(Base):
    """One progress message; ``finished`` once it shows the job's outcome."""

    __tablename__ = "job_messages"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass(frozen=True, slots=True)
class JobMessage:
    """Where a job's progress is shown."""

    job_id: str
    chat_id: int
    message_id: int
    finished: bool = False


def _of(row: JobMessageRow) -> JobMessage:
    return JobMessage(row.job_id, row.chat_id, row.message_id, bool(row.finished))


_TABLE = cast(Table, JobMessageRow.__table__)
# Read on every progress tick: built once, with bind parameters.
_GET = select(JobMessageRow).where(JobMessageRow.job_id == bindparam("job_id"))
_FINISH = (
    update(JobMessageRow)
    .where(JobMessageRow.job_id == bindparam("b_job_id"), JobMessageRow.finished.is_(False))
    .values(finished=True)
    .returning(JobMessageRow.job_id)
)


class SqlJobMessages:
    """Progress message ids by job id."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def put(self, job_id: str, chat_id: int, message_id: int) -> None:
        """Remember the progress message of a job (once; later calls change nothing)."""
        row = {"job_id": job_id, "chat_id": chat_id, "message_id": message_id, "finished": False}
        async with self._sessions() as session, session.begin():
            await session.execute(insert_if_new(_TABLE, session.get_bind().dialect.name), row)

    async def get(self, job_id: str) -> JobMessage | None:
        """The progress message of a job, if one was recorded."""
        async with self._sessions() as session:
            row = await session.scalar(_GET, {"job_id": job_id})
            return _of(row) if row else None

    async def finish(self, job_id: str) -> bool:
        """Mark the message as showing the outcome; False when it already did."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(_FINISH, {"b_job_id": job_id})
            return result.first() is not None

    async def open(self) -> list[JobMessage]:
        """Messages still showing an unfinished stage (to resume ticking after a restart)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(JobMessageRow).where(JobMessageRow.finished.is_(False))
            )
            return [_of(row) for row in rows]
