"""Stopping a chat answer from any instance: a flag in the shared store the owner checks.

Behind one webhook URL, /cancel may reach an instance other than the one streaming the
answer. It raises a flag under the answer's key, in Redis when the bot has it (the owner
reads it at each edit and each heartbeat: one GET), else in the answer's database row
(`SqlChatAnswers` implements the same two calls).
"""

from __future__ import annotations

from typing import Protocol

from redis.asyncio import Redis

FLAG_SECONDS = 600  # far longer than any answer streams; the key then expires by itself


class CancelFlags(Protocol):
    """Where a stop asked for on one instance is seen by another."""

    async def raise_flag(self, key: str) -> None:
        """Ask the answer under `key` to stop."""

    async def raised(self, key: str) -> bool:
        """True when a stop was asked for."""


class RedisCancelFlags:
    """Cancel flags as short-lived Redis keys."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self._prefix}:chat-cancel:{key}"

    async def raise_flag(self, key: str) -> None:
        """Ask the answer under `key` to stop."""
        await self._redis.set(self._name(key), b"1", ex=FLAG_SECONDS)

    async def raised(self, key: str) -> bool:
        """True when a stop was asked for."""
        return bool(await self._redis.exists(self._name(key)))
