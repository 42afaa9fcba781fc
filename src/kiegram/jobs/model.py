"""The job record: one generation request and everything that happened to it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    """Where a job is; DELIVERED, FAILED and CANCELLED are final."""

    PENDING = "pending"  # stored before KIE is called; no task id yet
    SUBMITTED = "submitted"  # KIE accepted the task; its id is known
    SUCCEEDED = "succeeded"  # KIE finished; the results are being delivered
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """True once nothing more will happen to the job."""
        return self in FINAL_STATES


FINAL_STATES = frozenset({JobState.DELIVERED, JobState.FAILED, JobState.CANCELLED})
UNFINISHED_STATES = frozenset({JobState.PENDING, JobState.SUBMITTED, JobState.SUCCEEDED})


# The ``error_code`` of a PENDING job whose create request went out (not a failure: no
# message of its own): from then on its task may exist at KIE (`jobs.service`).
SENDING = "sending"


class ErrorCode(StrEnum):
    """Why a job failed or waits; stored in ``Job.error_code``."""

    RETRY_CREATE = "retry_create"  # KIE certainly did not take the create: send it again
    UNCONFIRMED = "unconfirmed"  # the create may have reached KIE and KIE cannot be asked
    INVALID_INPUT = "invalid_input"
    NO_CREDITS = "no_credits"
    AUTH = "auth"
    MEDIA = "media"
    GENERATION_FAILED = "generation_failed"
    TIMEOUT = "timeout"
    DELIVERY = "delivery"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Job:
    """One generation request; ``payload`` keeps media as refs (``tg:<file_id>`` or URLs)."""

    user_id: int
    chat_id: int
    model_id: str
    api: str
    output: str  # the catalog's OutputKind value: image, video, audio, text
    payload: dict[str, Any]
    cost: Decimal
    deadline_at: datetime
    hold_key: str | None = None
    lang: str = "ru"
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: JobState = JobState.PENDING
    task_id: str | None = None
    result_urls: tuple[str, ...] = ()
    result_ids: tuple[str, ...] = ()  # per-item ids KIE gave the results (Suno's audioId)
    result_seconds: tuple[float, ...] = ()  # per-item lengths KIE gave (a Suno track's)
    result_text: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    next_poll_at: datetime = field(default_factory=utcnow)
    lease_owner: str | None = None
    lease_until: datetime | None = None
    kie_credits: Decimal | None = None  # what KIE charged (creditsConsumed), when it says


@dataclass(frozen=True, slots=True)
class ResultFile:
    """One result: its URL at KIE (the delivery fetches it, streamed, or hands it to
    Telegram), or its ``data`` when it is small and already here (a text result)."""

    url: str
    filename: str
    kind: str  # image, video, audio, text
    data: bytes | None = None
