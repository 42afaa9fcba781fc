"""Collects the photos of one album (they arrive as separate messages) into one answer.

Telegram sends an album as one message per file, sharing a `media_group_id`. Behind one
webhook URL with several instances the messages of one album may reach different
instances, so the files are kept in an `AlbumBuffer` they share (Redis; memory for one
process). The instance that stored the first file answers the album: it says at once that
the files are arriving, waits until no file has come for a quiet period, then takes them
all and hands them to the wizard as one answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from kiegram.bot.conversation import Conversation
from kiegram.wizard import MediaRef

log = logging.getLogger(__name__)
Finish = Callable[[Conversation, list[MediaRef], str], Awaitable[None]]


class AlbumBuffer(Protocol):
    """The files of albums being collected, by album key."""

    async def add(self, key: str, refs: list[MediaRef]) -> int:
        """Store files under `key`; how many adds the key has had (1: this was the first)."""

    async def adds(self, key: str) -> int:
        """How many adds the key has had (0 once taken)."""

    async def take(self, key: str) -> list[MediaRef]:
        """Every file stored under `key`, in order; the key is forgotten."""


class MemoryAlbums:
    """An AlbumBuffer for one process."""

    def __init__(self) -> None:
        self._items: dict[str, list[MediaRef]] = {}
        self._adds: dict[str, int] = {}

    async def add(self, key: str, refs: list[MediaRef]) -> int:
        """Store files under `key`."""
        self._items.setdefault(key, []).extend(refs)
        self._adds[key] = self._adds.get(key, 0) + 1
        return self._adds[key]

    async def adds(self, key: str) -> int:
        """How many adds the key has had."""
        return self._adds.get(key, 0)

    async def take(self, key: str) -> list[MediaRef]:
        """Every file of the key; the key is forgotten."""
        self._adds.pop(key, None)
        return self._items.pop(key, [])


class AlbumCollector:
    """Answers each album once, after a short quiet period, with all its files."""

    def __init__(
        self, finish: Finish, quiet: float = 0.8, buffer: AlbumBuffer | None = None
    ) -> None:
        self.finish = finish
        self.quiet = quiet
        self.buffer: AlbumBuffer = buffer if buffer is not None else MemoryAlbums()
        self._waiting: dict[str, tuple[Conversation, str, asyncio.Task[None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def add(
        self, chat_id: int, group: str, refs: list[MediaRef], conv: Conversation, sid: str
    ) -> None:
        """Store the files; the first file of an album starts its collection here."""
        key = f"{chat_id}:{group}"
        if await self.buffer.add(key, refs) > 1:
            return  # whoever stored the first file collects the album
        # Albums are answered after a quiet pause: say at once that the files arrive.
        await conv.bot.send_message(chat_id, conv.t("bot.wizard.album_wait"))
        task = asyncio.create_task(self._collect(key, conv, sid))
        self._waiting[key] = (conv, sid, task)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _collect(self, key: str, conv: Conversation, sid: str) -> None:
        try:
            seen = await self.buffer.adds(key)
            while True:
                await asyncio.sleep(self.quiet)
                now = await self.buffer.adds(key)
                if now == seen:
                    break
                seen = now
        except Exception:  # no handler above this task: log it and tell the user, as one would
            log.exception("album %s could not be answered", key)
            self._waiting.pop(key, None)
            await self._apologise(conv)
            return
        if self._waiting.pop(key, None) is not None:
            await self._answer(key, conv, sid)

    async def _answer(self, key: str, conv: Conversation, sid: str) -> None:
        """Take the album's files and hand them to the wizard."""
        try:
            items = await self.buffer.take(key)
            if items:
                await self.finish(conv, items, sid)
        except Exception:
            log.exception("album %s could not be answered", key)
            await self._apologise(conv)

    @staticmethod
    async def _apologise(conv: Conversation) -> None:
        try:
            await conv.bot.send_message(conv.chat_id, conv.t("bot.failed"))
        except Exception as exc:  # Telegram itself may be what failed
            log.warning("could not tell chat %s that an album failed: %s", conv.chat_id, exc)

    async def aclose(self) -> None:
        """Shutdown: albums still in their quiet period are answered now with the files that
        have arrived (the user was told they are being received); answers under way finish."""
        waiting, self._waiting = self._waiting, {}
        for _conv, _sid, task in waiting.values():
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for key, (conv, sid, _task) in waiting.items():
            await self._answer(key, conv, sid)
