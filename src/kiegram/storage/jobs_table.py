"""The ``jobs`` table: one row per generation job (see ``kiegram.jobs.model.Job``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, Numeric, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from kiegram.storage.db import Base


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite keeps them naive (it has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JobRow(Base):
    """A stored job; ``task_id`` is unique once KIE has assigned it."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_task_id", "task_id", unique=True),
        Index("ix_jobs_state_next_poll_at", "state", "next_poll_at"),
        Index("ix_jobs_user_id", "user_id"),
        Index("ix_jobs_hold_key", "hold_key"),  # the orphan sweeper's anti-join
        # a model's recent durations and its waiting jobs (progress messages)
        Index("ix_jobs_model_id_state_updated_at", "model_id", "state", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    model_id: Mapped[str] = mapped_column(String(128))
    api: Mapped[str] = mapped_column(String(32))
    output: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    hold_key: Mapped[str | None] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))
    task_id: Mapped[str | None] = mapped_column(String(128))
    result_urls: Mapped[list[str]] = mapped_column(JSON)
    # Follow-ups (Suno extend, WAV...) name one result by its id (migration 0006_h4).
    result_ids: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # The results' lengths in seconds where KIE gives them (Suno's tracks, migration 0014).
    result_seconds: Mapped[list[float] | None] = mapped_column(JSON, nullable=True)
    result_text: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_poll_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What KIE says the task cost (creditsConsumed), for the margin report; None when unsaid.
    kie_credits: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
