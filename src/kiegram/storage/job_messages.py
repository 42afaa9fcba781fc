"""The ``job_messages`` table: which chat message shows a job's progress (survives restarts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, Boolean, String, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new
from kiegram.storage.direct import Direct, fast_path


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


def _of(row: Any) -> JobMessage:
    return JobMessage(row.job_id, row.chat_id, row.message_id, bool(row.finished))


_TABLE = cast(Table, JobMessageRow.__table__)
# Each job's message is read and written a few times per job: statements on the table, built
# once with bind parameters and run on the driver (`direct`).
_GET = select(_TABLE).where(_TABLE.c.job_id == bindparam("job_id"))
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.job_id == bindparam("b_job_id"), _TABLE.c.finished.is_(False))
    .values(finished=True)
    .returning(*_TABLE.c)
)
_OPEN = select(_TABLE).where(_TABLE.c.finished.is_(False))


class SqlJobMessages:
    """Progress message ids by job id."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._put = insert_if_new(_TABLE, engine.dialect.name)

    async def put(self, job_id: str, chat_id: int, message_id: int) -> None:
        """Remember the progress message of a job (once; later calls change nothing)."""
        row = {"job_id": job_id, "chat_id": chat_id, "message_id": message_id, "finished": False}
        async with self._direct.connect() as conn:  # one statement: its own transaction
            await conn.execute(self._put, row)

    async def get(self, job_id: str) -> JobMessage | None:
        """The progress message of a job, if one was recorded."""
        async with self._direct.connect() as conn:
            row = (await conn.execute(_GET, {"job_id": job_id})).first()
        return None if row is None else _of(row)

    async def finish(self, job_id: str) -> JobMessage | None:
        """Mark the message as showing the outcome: the message, or None when there is none
        or it already showed the outcome (only one caller gets it)."""
        async with self._direct.connect() as conn:  # one statement: its own transaction
            row = (await conn.execute(_FINISH, {"b_job_id": job_id})).first()
        return None if row is None else _of(row)

    async def open(self) -> list[JobMessage]:
        """Messages still showing an unfinished stage (to resume ticking after a restart)."""
        async with self._direct.connect() as conn:
            return [_of(row) for row in await conn.execute(_OPEN)]
