"""What several instances share: a gate that lets each update through once, and locks."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Protocol

# An update being handled stays claimed this long, renewed every sixth to third of it while
# its handler runs (`scale.heartbeat`): a dead instance's claim runs out within seconds and
# Telegram's retry is handled elsewhere. A handled one is remembered for Telegram's retry span.
CLAIM_SECONDS = 3.0
DONE_SECONDS = 24 * 3600.0


class UpdateGate(Protocol):
    """Claims update ids across instances: `claim` is True for exactly one live claimer."""

    async def claim(self, key: str) -> bool:
        """Claim `key` for handling; False when it is handled or being handled elsewhere."""

    async def done(self, key: str) -> None:
        """Mark `key` handled: later claims fail until it is forgotten."""

    async def release(self, key: str) -> None:
        """Give a claim back (the handler failed), so a retry may handle it."""

    async def renew(self, key: str) -> None:
        """Extend an unfinished claim by the claim period (its handler still runs)."""

    async def handled(self, key: str) -> bool:
        """True when `key` is marked handled (a failed claim: handled, or still being handled)."""


class Locks(Protocol):
    """Named leases held by one owner at a time (singleton work: broadcasts, reminders)."""

    async def acquire(self, name: str, owner: str, ttl: float) -> bool:
        """Take `name` for `ttl` seconds if free, expired or already ours."""

    async def renew(self, name: str, owner: str, ttl: float) -> bool:
        """Extend our hold of `name`; False when we no longer hold it."""

    async def release(self, name: str, owner: str) -> bool:
        """Let `name` go if we hold it."""


class LateDone:
    """An update's "handled" mark that its conversation lock's release may carry (issue #23):
    `scale.dedup` sets it for the update it claimed; a back-end giving the user's lock back
    in the same store (`fsm.redis`) sends the mark in that round trip and sets `marked`, so
    the gate's own `done` is skipped. Only the task that set it may do that (`task`)."""

    __slots__ = ("gate", "key", "marked", "task")

    def __init__(self, gate: UpdateGate, key: str, task: object) -> None:
        self.gate = gate
        self.key = key
        self.task = task
        self.marked = False


late_done: ContextVar[LateDone | None] = ContextVar("kiegram_late_done", default=None)
