"""The ``result_files`` table: the Telegram file id of each delivered result, by job and index.

Kept at delivery so /history can send a past result again without downloading it (KIE's
links expire; Telegram's file ids do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Integer, String, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base, insert_if_new
from kiegram.storage.direct import Direct, fast_path


class ResultFileRow(Base):
    """One sent result: which of the job's results (``idx``), how it was sent, its file id."""

    __tablename__ = "result_files"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # photo, video, audio, voice, document
    file_id: Mapped[str] = mapped_column(String(256))


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A result as Telegram keeps it: ``index`` into the job's results, the send kind, the id."""

    index: int
    kind: str
    file_id: str


_TABLE = cast(Table, ResultFileRow.__table__)
_GET = select(_TABLE).where(_TABLE.c.job_id == bindparam("job_id")).order_by(_TABLE.c.idx)


def _of(row: Any) -> KeptFile:
    return KeptFile(int(row.idx), str(row.kind), str(row.file_id))


class SqlResultFiles:
    """The kept file ids of delivered results, by job id."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._put = insert_if_new(_TABLE, engine.dialect.name)

    async def put(self, job_id: str, files: list[KeptFile]) -> None:
        """Remember the files of a delivery (a repeated delivery keeps the first ids)."""
        if not files:
            return
        rows = [
            {"job_id": job_id, "idx": f.index, "kind": f.kind, "file_id": f.file_id} for f in files
        ]
        async with self._direct.begin() as conn:  # all of a delivery's files, or none
            for row in rows:
                await conn.execute(self._put, row)

    async def get(self, job_id: str) -> list[KeptFile]:
        """The kept files of a job, by result index (empty when none were kept)."""
        async with self._direct.connect() as conn:
            return [_of(row) for row in await conn.execute(_GET, {"job_id": job_id})]
