"""A broadcast to every user at Telegram's pace, resumable after a restart."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.fsm.storage.base import BaseStorage, StorageKey

from kiegram.billing.ports import UserStore
from kiegram.i18n import Translator
from kiegram.scale.ports import Locks
from kiegram.scale.singleton import LockLost, process_owner, run_exclusive

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[Any]]
ATTEMPTS = 3
LOCK_NAME = "broadcast"
LOCK_WAIT = 10.0  # seconds between looks at a broadcast another instance is sending


@dataclass
class BroadcastState:
    """A broadcast in progress: its text, who asked, and the last user id handled."""

    text: str
    admin_id: int
    lang: str = "ru"
    cursor: int = 0
    sent: int = 0
    skipped: int = 0
    done: bool = False


class Broadcaster:
    """Sends one text to all users, about `per_second` messages a second.

    The state lives in the FSM storage (the database or Redis) under a key of its own, and
    the cursor moves after every user, so a restart resumes where the last run stopped.
    With `locks`, only the instance holding the "broadcast" lock sends; the others wait and
    take over if it dies (its lock runs out), so several instances never send twice.
    """

    def __init__(
        self,
        bot: Bot,
        users: UserStore,
        storage: BaseStorage,
        translator: Translator,
        *,
        per_second: float = 25.0,
        sleep: Sleep = asyncio.sleep,
        batch: int = 100,
        locks: Locks | None = None,
        owner: str | None = None,
        lock_wait: float = LOCK_WAIT,
    ) -> None:
        self.bot = bot
        self.users = users
        self.storage = storage
        self.translator = translator
        self.pause = 1.0 / per_second
        self.sleep = sleep
        self.batch = batch
        self.locks = locks
        self.owner = owner or process_owner()
        self.lock_wait = lock_wait
        self._task: asyncio.Task[BroadcastState | None] | None = None

    @property
    def key(self) -> StorageKey:
        """Where the state is stored: no real chat has id 0."""
        return StorageKey(bot_id=self.bot.id, chat_id=0, user_id=0, destiny="broadcast")

    async def current(self) -> BroadcastState | None:
        """The stored broadcast (finished or not), if any."""
        data = await self.storage.get_data(self.key)
        return BroadcastState(**data) if data.get("text") else None

    async def _save(self, state: BroadcastState) -> None:
        await self.storage.set_data(self.key, asdict(state))

    async def start(self, text: str, admin_id: int, lang: str = "ru") -> bool:
        """Begin a broadcast in the background; False while another one is unfinished."""
        now = await self.current()
        if now is not None and not now.done:
            return False
        await self._save(BroadcastState(text, admin_id, lang))
        self._spawn()
        return True

    async def resume(self) -> bool:
        """Continue an unfinished broadcast (call on startup); True when one resumes."""
        now = await self.current()
        if now is None or now.done:
            return False
        self._spawn()
        return True

    def _spawn(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run_once_anywhere())

    async def _run_once_anywhere(self) -> BroadcastState | None:
        """Send under the lock; while another instance sends, wait until it finishes or dies."""
        if self.locks is None:
            return await self.run()
        while True:
            try:
                ran, state = await run_exclusive(self.locks, LOCK_NAME, self.run, owner=self.owner)
            except LockLost:
                ran, state = False, None  # the cursor is stored: whoever holds it goes on
            if ran:
                return state
            state = await self.current()
            if state is None or state.done:
                return state
            await self.sleep(self.lock_wait)

    async def wait(self) -> BroadcastState | None:
        """Wait for the running broadcast to end (tests, shutdown)."""
        return await self._task if self._task is not None else await self.current()

    async def close(self) -> None:
        """Stop sending; the stored cursor lets the next start resume."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self) -> BroadcastState | None:
        """Send to every user after the cursor, then report to the admin who asked."""
        state = await self.current()
        while state is not None and not state.done:
            ids = await self.users.ids_after(state.cursor, self.batch)
            if not ids:
                state.done = True
                await self._save(state)
                await self._report(state)
                break
            for user_id in ids:
                delivered = await self._deliver(user_id, state.text)
                state.sent += delivered
                state.skipped += not delivered
                state.cursor = user_id
                await self._save(state)
                await self.sleep(self.pause)
        return state

    async def _deliver(self, user_id: int, text: str) -> bool:
        """Send to one user; False for users who blocked the bot or cannot be reached."""
        for _attempt in range(ATTEMPTS):
            try:
                await self.bot.send_message(user_id, text)
                return True
            except TelegramRetryAfter as exc:
                await self.sleep(exc.retry_after)
            except TelegramForbiddenError:
                return False
            except TelegramNetworkError as exc:
                log.warning("broadcast to %s: network error %s", user_id, exc)
                await self.sleep(1.0)
            except TelegramAPIError as exc:
                log.info("broadcast skips %s: %s", user_id, exc)
                return False
        return False

    async def _report(self, state: BroadcastState) -> None:
        text = self.translator(state.lang, "admin.bc_done", sent=state.sent, skipped=state.skipped)
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_message(state.admin_id, text)
