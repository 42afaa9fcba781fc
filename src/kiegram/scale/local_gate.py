"""The update gate of a process that receives every update of the bot: kept in memory.

Behind a webhook Telegram sends an update again when its answer did not come (the handler
took too long, the answer was lost). Instances sharing a database or Redis claim each update
there, so only one of them handles it. A process alone with its bot (SQLite is one instance
on one host; on PostgreSQL the operator says so with SINGLE_INSTANCE) has nobody to share
claims with: `LocalUpdateGate` keeps them in memory, and the two statements every update
paid for the database gate are gone (~10% of an update's CPU on SQLite).

It also mends what the shared gate did to a process alone after a crash: the claim of the
update it was handling stayed in the table for `CLAIM_SECONDS`, so Telegram's retry within
that time was answered "handled elsewhere" and lost. A process that starts afresh has no
claims: the retry is handled (at least once across a crash, as long polling always was;
exactly once while the process lives).

Handled updates are remembered for `done_seconds`, at most `limit` of them (the oldest are
forgotten first): Telegram's retry of an update whose answer it did not get comes within
minutes, well inside that.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DONE_LIMIT = 50_000  # handled updates remembered (~180 bytes each: ~9 MB at the limit)


class LocalUpdateGate:
    """The UpdateGate in this process's memory (module doc)."""

    def __init__(
        self,
        claim_seconds: float,
        done_seconds: float,
        limit: int = DONE_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._claim_seconds = claim_seconds
        self._done_seconds = done_seconds
        self._limit = limit
        self._clock = clock
        self._claimed: dict[str, float] = {}  # key -> when the claim runs out
        self._done: OrderedDict[str, float] = OrderedDict()  # oldest first -> forgotten when

    async def claim(self, key: str) -> bool:
        """True unless `key` is handled, or being handled and its claim has not run out."""
        now = self._clock()
        self._forget(now)
        if key in self._done:
            return False
        until = self._claimed.get(key)
        if until is not None and until > now:
            return False
        self._claimed[key] = now + self._claim_seconds
        return True

    async def done(self, key: str) -> None:
        """Remember `key` as handled."""
        self._claimed.pop(key, None)
        self._done[key] = self._clock() + self._done_seconds
        self._done.move_to_end(key)
        while len(self._done) > self._limit:
            self._done.popitem(last=False)

    async def release(self, key: str) -> None:
        """Give an unfinished claim back, so Telegram's retry is handled."""
        self._claimed.pop(key, None)

    async def renew(self, key: str) -> None:
        """Extend an unfinished claim."""
        if key in self._claimed:
            self._claimed[key] = self._clock() + self._claim_seconds

    async def handled(self, key: str) -> bool:
        """True when `key` is remembered as handled."""
        return key in self._done

    def __len__(self) -> int:
        """Updates remembered (being handled or handled)."""
        return len(self._claimed) + len(self._done)

    def _forget(self, now: float) -> None:
        done = self._done
        while done:
            key, until = next(iter(done.items()))
            if until > now:
                break
            del done[key]
