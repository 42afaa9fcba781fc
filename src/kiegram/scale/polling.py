"""Long polling that loses no update to a crash (issue #26).

aiogram's polling loop asks Telegram for the next updates (which confirms the previous ones:
Telegram forgets them) while the updates it got are still being handled, so a process killed
mid-update lost that update: a step never saved, a confirm with no job behind it. This loop
stores each fetched batch (`Inbox`, the `polled_updates` table) before it confirms it, and
marks an update handled once its handler is done. A restarted process:

- first feeds the updates a death left stored and not handled (handled again from the start,
  as a webhook's retry would be; the confirm and the ledger are idempotent);
- then asks Telegram only for updates after the highest one it ever stored, so one handled
  before the crash is not handled twice (the in-memory update gate is gone with the dead
  process; the table's highest id is what de-duplicates).

An update may still be handled twice only when the process dies between the end of its
handler and the statement marking it handled. Updates are handled concurrently, as
aiogram's `handle_as_tasks` does (a user's own updates queue on the conversation lock).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update

log = logging.getLogger(__name__)
BACKOFF = (0.5, 1.0, 2.0, 5.0)  # seconds before fetching again after failures in a row
STOP_GRACE = 20.0  # seconds handlers in flight get to finish when polling stops


class Inbox(Protocol):
    """Where fetched updates wait until handled (`storage.polled_updates`)."""

    async def last(self) -> int | None:
        """The highest update id ever stored; None when none is."""

    async def left(self) -> list[tuple[int, str]]:
        """(update id, JSON) of the stored updates not handled, oldest first."""

    async def store(self, updates: list[tuple[int, str]]) -> None:
        """Keep a fetched batch, durably, before it is confirmed to Telegram."""

    async def handled(self, update_id: int) -> None:
        """Mark an update handled."""


class DurablePolling:
    """Fetch, store, confirm, handle; mark handled (module doc)."""

    def __init__(
        self, dp: Dispatcher, bot: Bot, inbox: Inbox, timeout: int = 10, grace: float = STOP_GRACE
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.inbox = inbox
        self.timeout = timeout
        self.grace = grace
        self._stop = asyncio.Event()
        self._handling: dict[int, asyncio.Task[None]] = {}

    def stop(self) -> None:
        """Stop fetching; handlers in flight finish (within `grace` seconds)."""
        self._stop.set()

    async def run(self) -> None:
        """Poll until `stop`; then let the handlers in flight finish."""
        data: dict[str, Any] = {"dispatcher": self.dp, "bots": (self.bot,)}
        data.update(self.dp.workflow_data)
        data.pop("bot", None)
        await self.dp.emit_startup(bot=self.bot, **data)
        try:
            await self._poll(data)
        finally:
            await self._finish()
            await self.dp.emit_shutdown(bot=self.bot, **data)

    async def _poll(self, data: dict[str, Any]) -> None:
        last = await self.inbox.last()
        offset = None if last is None else last + 1
        left = await self.inbox.left()
        if left:
            log.warning("%d updates a stop or crash left unhandled: handling them now", len(left))
        for update_id, body in left:
            self._handle(update_id, Update.model_validate_json(body, context={"bot": self.bot}))
        fetch = GetUpdates(
            offset=offset, timeout=self.timeout, allowed_updates=self.dp.resolve_used_update_types()
        )
        timeout = int((self.bot.session.timeout or 0) + self.timeout)
        stopped = asyncio.create_task(self._stop.wait())
        failures = 0
        try:
            while not self._stop.is_set():
                got = asyncio.create_task(self._fetch(fetch, timeout))
                await asyncio.wait({got, stopped}, return_when=asyncio.FIRST_COMPLETED)
                if not got.done():
                    got.cancel()
                    await asyncio.gather(got, return_exceptions=True)
                    return
                try:
                    updates = got.result()
                except Exception as exc:  # a failed fetch is tried again
                    failures += 1
                    pause = BACKOFF[min(failures, len(BACKOFF)) - 1]
                    log.warning(
                        "fetching updates failed (%s: %s); again in %.1f s",
                        type(exc).__name__,
                        exc,
                        pause,
                    )
                    await asyncio.sleep(pause)
                    continue
                failures = 0
                for update in updates:
                    self._handle(update.update_id, update)
                if updates:
                    fetch.offset = updates[-1].update_id + 1  # confirms them: they are stored
        finally:
            stopped.cancel()

    async def _fetch(self, fetch: GetUpdates, timeout: int) -> list[Update]:
        """One `getUpdates`; the new updates in it stored before they are confirmed."""
        updates = await self.bot(fetch, request_timeout=timeout)
        offset = fetch.offset
        fresh = [u for u in updates if offset is None or u.update_id >= offset]
        fresh = [u for u in fresh if u.update_id not in self._handling]
        await self.inbox.store(
            [(u.update_id, u.model_dump_json(exclude_unset=True, by_alias=True)) for u in fresh]
        )
        return fresh

    def _handle(self, update_id: int, update: Update) -> None:
        if update_id in self._handling:
            return
        task = asyncio.create_task(self._feed(update_id, update))
        self._handling[update_id] = task
        task.add_done_callback(lambda _t: self._handling.pop(update_id, None))

    async def _feed(self, update_id: int, update: Update) -> None:
        data = {"bots": (self.bot,), **self.dp.workflow_data}
        data.pop("bot", None)
        try:
            response = await self.dp.feed_update(self.bot, update, **data)
            if isinstance(response, TelegramMethod):
                await self.bot(response)
        except TelegramAPIError as exc:
            log.error("answering update %d failed: %s", update_id, exc)
        except Exception:
            # Handled, though unsuccessfully (aiogram's polling does the same): feeding it
            # again after a restart would fail the same way.
            log.exception("update %d failed", update_id)
        try:
            await self.inbox.handled(update_id)
        except Exception:
            log.exception("could not mark update %d handled; a restart handles it again", update_id)

    async def _finish(self) -> None:
        """Let the handlers in flight finish; those cut off stay stored for the next start."""
        tasks = list(self._handling.values())
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=self.grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
