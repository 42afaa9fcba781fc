"""SqlJobStore: the JobStore Protocol over SQLAlchemy, for SQLite and PostgreSQL.

Every transition is one ``UPDATE ... WHERE state IN (...) RETURNING`` (a compare-and-set),
and claiming due jobs is one ``UPDATE`` whose lease condition is re-checked by the database,
with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so instances never wait on each other.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kiegram.jobs.model import SENDING, UNFINISHED_STATES, Job, JobState
from kiegram.storage.db import insert_if_new, session_factory
from kiegram.storage.direct import Direct, fast_path
from kiegram.storage.jobs_table import JobRow

_FIELDS = frozenset(f.name for f in dataclasses.fields(Job))


def _job_columns(job: Job) -> dict[str, Any]:
    """A job's fields as columns, shallow (`dataclasses.asdict` deep-copies the payload, a
    copy the statement never needs: the job is frozen and the payload stored as JSON)."""
    return _to_columns({name: getattr(job, name) for name in _FIELDS})


def _to_columns(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _FIELDS
    if unknown:
        raise TypeError(f"not job fields: {sorted(unknown)}")
    values = dict(fields)
    for name in ("result_urls", "result_ids", "result_seconds"):
        if name in values:
            values[name] = list(values[name])
    if "state" in values:
        values["state"] = JobState(values["state"]).value
    return values


def to_job(row: Any) -> Job:
    """The frozen job of a row (an ORM row or a Core row: both name the columns)."""
    values = {name: getattr(row, name) for name in _FIELDS}
    values["state"] = JobState(row.state)
    values["result_urls"] = tuple(row.result_urls or ())
    values["result_ids"] = tuple(row.result_ids or ())
    values["result_seconds"] = tuple(row.result_seconds or ())
    values["payload"] = dict(row.payload or {})
    return Job(**values)


# The statements of the hot path, on the table, built once with bind parameters and run on
# the driver (`direct`): building a statement costs more than running it, and SQLAlchemy's
# execution more than the statement. A transition's is built per set of changed columns and
# number of expected states.
_JOBS = cast(Table, JobRow.__table__)
_INSERT = insert(_JOBS)
_BY_ID = select(_JOBS).where(_JOBS.c.id == bindparam("job_id"))
_BY_TASK = select(_JOBS).where(_JOBS.c.task_id == bindparam("task_id"))
_TRANSITIONS: dict[tuple[frozenset[str], int], Update] = {}
_UNLEASED = or_(_JOBS.c.lease_until.is_(None), _JOBS.c.lease_until < bindparam("now"))


_SENDING = (
    update(_JOBS)
    .where(
        _JOBS.c.id == bindparam("job_id"),
        _JOBS.c.state == JobState.PENDING.value,
        _JOBS.c.lease_owner == bindparam("owner"),
    )
    .values(error_code=bindparam("code"), updated_at=bindparam("now"))
)


@functools.cache
def _claim(dialect: str) -> Update:
    """The poller's claim (every second on every instance): built once per database."""
    due = (
        select(_JOBS.c.id)
        .where(
            _JOBS.c.state.in_([s.value for s in UNFINISHED_STATES]),
            _JOBS.c.next_poll_at <= bindparam("now"),
            _UNLEASED,
        )
        .order_by(_JOBS.c.next_poll_at)
        .limit(bindparam("limit"))
    )
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (
        update(_JOBS)
        .where(_JOBS.c.id.in_(due.scalar_subquery()), _UNLEASED)
        .values(lease_owner=bindparam("owner"), lease_until=bindparam("until"))
        .returning(_JOBS)
    )


def _transition(columns: frozenset[str], expected: int) -> Update:
    statement = _TRANSITIONS.get((columns, expected))
    if statement is None:
        states: list[Any] = [bindparam(f"expected_{i}") for i in range(expected)]
        statement = (
            update(_JOBS)
            .where(_JOBS.c.id == bindparam("job_id"), _JOBS.c.state.in_(states))
            .values({name: bindparam(f"new_{name}") for name in sorted(columns)})
            .returning(_JOBS)
        )
        _TRANSITIONS[(columns, expected)] = statement
    return statement


class SqlJobStore:
    """Jobs in the ``jobs`` table."""

    def __init__(self, db: Direct | AsyncEngine) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._insert_new = insert_if_new(_JOBS, engine.dialect.name)
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)

    async def add(self, job: Job) -> None:
        """Store a new job."""
        async with self._direct.connect() as conn:
            await conn.execute(_INSERT, _job_columns(job))

    async def add_new(self, job: Job) -> bool:
        """Store a new job unless its id is stored already (ON CONFLICT DO NOTHING)."""
        async with self._direct.connect() as conn:
            result = await conn.execute(self._insert_new, _job_columns(job))
        return result.rowcount == 1

    async def get(self, job_id: str) -> Job | None:
        """The job with ``job_id``."""
        async with self._direct.connect() as conn:
            row = (await conn.execute(_BY_ID, {"job_id": job_id})).first()
        return None if row is None else to_job(row)

    async def by_task_id(self, task_id: str) -> Job | None:
        """The job KIE knows as ``task_id``."""
        async with self._direct.connect() as conn:
            row = (await conn.execute(_BY_TASK, {"task_id": task_id})).first()
        return None if row is None else to_job(row)

    async def transition(
        self, job_id: str, expected: Collection[JobState], new_state: JobState, **fields: Any
    ) -> Job | None:
        """Compare-and-set: move the job to ``new_state`` only if it is in ``expected``."""
        values = _to_columns({**fields, "state": new_state})
        values["updated_at"] = datetime.now(UTC)
        params = {f"new_{name}": value for name, value in values.items()}
        states = sorted({JobState(s).value for s in expected})
        params |= {f"expected_{i}": state for i, state in enumerate(states)}
        params["job_id"] = job_id
        statement = _transition(frozenset(values), len(states))
        async with self._direct.connect() as conn:  # one statement: its own transaction
            row = (await conn.execute(statement, params)).one_or_none()
        return None if row is None else to_job(row)

    async def mark_sending(self, job_id: str, owner: str) -> bool:
        """Compare-and-set: note ``sending`` on a PENDING job ``owner`` leases (module doc of
        `jobs.service`: a job interrupted after this may exist at KIE, before it, not)."""
        params: dict[str, object] = {"job_id": job_id, "owner": owner, "now": datetime.now(UTC)}
        params["code"] = SENDING
        async with self._direct.connect() as conn:
            return (await conn.execute(_SENDING, params)).rowcount == 1

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[Job]:
        """Lease up to ``limit`` due, unleased, unfinished jobs to ``owner``."""
        params = {
            "now": now,
            "owner": owner,
            "until": now + timedelta(seconds=lease_seconds),
            "limit": limit,
        }
        async with self._direct.connect() as conn:
            rows = (await conn.execute(_claim(conn.dialect.name), params)).all()
        return sorted((to_job(r) for r in rows), key=lambda j: j.next_poll_at)

    async def extend_lease(self, job_id: str, owner: str, until: datetime) -> bool:
        """Compare-and-set on the owner: extend the lease only while ``owner`` still holds it."""
        statement = (
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.lease_owner == owner)
            .values(lease_until=until)
            .returning(JobRow.id)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            return (await session.scalars(statement)).one_or_none() is not None

    async def release_leases(self, owner: str) -> int:
        """Drop every lease ``owner`` holds."""
        statement = (
            update(JobRow)
            .where(JobRow.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
            .returning(JobRow.id)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            return len((await session.scalars(statement)).all())

    async def unfinished(self) -> list[Job]:
        """Every job that is not final, oldest first."""
        statement = (
            select(JobRow)
            .where(JobRow.state.in_([s.value for s in UNFINISHED_STATES]))
            .order_by(JobRow.created_at)
        )
        async with self._sessions() as session:
            return [to_job(r) for r in (await session.scalars(statement)).all()]
