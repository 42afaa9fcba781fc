"""Collects the photos of one album (they arrive as separate messages) into one answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from kiegram.bot.conversation import Conversation
from kiegram.wizard import MediaRef

Finish = Callable[[Conversation, list[MediaRef], str], Awaitable[None]]


class AlbumCollector:
    """Buffers album items per chat and group; answers once after a short quiet period."""

    def __init__(self, finish: Finish, quiet: float = 0.8) -> None:
        self.finish = finish
        self.quiet = quiet
        self._items: dict[tuple[int, str], list[MediaRef]] = {}
        self._timers: dict[tuple[int, str], asyncio.Task[None]] = {}

    async def add(
        self, chat_id: int, group: str, refs: list[MediaRef], conv: Conversation, sid: str
    ) -> None:
        """Add items; (re)start the group's timer."""
        key = (chat_id, group)
        if key not in self._items:
            # Albums are answered after a quiet pause: say at once that the files arrive.
            await conv.bot.send_message(chat_id, conv.t("bot.wizard.album_wait"))
        self._items.setdefault(key, []).extend(refs)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._timers[key] = asyncio.create_task(self._later(key, conv, sid))

    async def _later(self, key: tuple[int, str], conv: Conversation, sid: str) -> None:
        await asyncio.sleep(self.quiet)
        self._timers.pop(key, None)
        items = self._items.pop(key, [])
        if items:
            await self.finish(conv, items, sid)

    async def aclose(self) -> None:
        """Shutdown: drop albums still waiting (their photos were never answered)."""
        timers = list(self._timers.values())
        self._timers.clear()
        self._items.clear()
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)
