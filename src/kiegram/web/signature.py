"""KIE webhook authenticity: HMAC-SHA256 over ``taskId.timestamp``, a time window, replays."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

WINDOW_SECONDS = 300


def sign(key: str, task_id: str, timestamp: int | str) -> str:
    """``base64(HMAC-SHA256(key, f"{task_id}.{timestamp}"))``, as KIE sends it."""
    mac = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class SignatureVerifier:
    """Accepts a (task id, timestamp) pair once, if signed with the key and fresh enough.

    The replay cache lives in this process: a replay sent to another instance is accepted
    there, which is harmless because completing a job is idempotent and re-reads KIE.
    """

    def __init__(
        self,
        key: str,
        *,
        window: int = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._window = window
        self._clock = clock
        self._seen: dict[tuple[str, int], float] = {}

    def __repr__(self) -> str:
        return f"SignatureVerifier(window={self._window})"  # never show the key

    def refusal(self, task_id: str, timestamp: str | None, signature: str | None) -> str | None:
        """Why this callback must be refused, or None when it is authentic and new."""
        if not timestamp or not signature:
            return "missing signature headers"
        try:
            stamp = int(timestamp)
        except ValueError:
            return "malformed timestamp"
        now = self._clock()
        if abs(now - stamp) > self._window:
            return "timestamp outside the window"
        if not hmac.compare_digest(sign(self._key, task_id, stamp), signature):
            return "bad signature"
        self._forget_older_than(now - 2 * self._window)
        if (task_id, stamp) in self._seen:
            return "replayed callback"
        self._seen[(task_id, stamp)] = now
        return None

    def _forget_older_than(self, cutoff: float) -> None:
        for pair in [p for p, seen in self._seen.items() if seen < cutoff]:
            del self._seen[pair]
