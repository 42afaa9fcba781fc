"""Run a piece of work on one instance at a time (broadcasts, reminders, sweeps)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from kiegram.errors import KiegramError
from kiegram.scale.ports import Locks

log = logging.getLogger(__name__)
T = TypeVar("T")
LOCK_SECONDS = 30.0


def process_owner() -> str:
    """A lock owner name unique to this process and start."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class LockLost(KiegramError):
    """Our lock expired or was taken while the work ran; the work was cancelled."""


async def run_exclusive(
    locks: Locks,
    name: str,
    work: Callable[[], Awaitable[T]],
    *,
    owner: str,
    ttl: float = LOCK_SECONDS,
) -> tuple[bool, T | None]:
    """Run `work` if `name` is free: (True, result); (False, None) when another holds it.

    The lock is renewed every third of `ttl` while the work runs; if renewal fails the work
    is cancelled and LockLost raised, so two instances never run it at once for long.
    """
    if not await locks.acquire(name, owner, ttl):
        return False, None
    task = asyncio.ensure_future(work())
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=ttl / 3)
            if done:
                return True, task.result()
            if not await locks.renew(name, owner, ttl):
                log.warning("lock %s lost by %s; stopping its work", name, owner)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                raise LockLost(name)
    finally:
        if not task.done():
            task.cancel()
        await locks.release(name, owner)
