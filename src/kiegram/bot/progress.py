"""One progress message per job, edited through its stages until the outcome.

The message id is stored (``job_messages``), so after a restart `resume` ticks the messages of
unfinished jobs again and settles those whose job ended while no one was watching.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot.callbacks import JobAct
from kiegram.bot.waiting import WaitingLines
from kiegram.catalog import Catalog
from kiegram.i18n import Translator
from kiegram.jobs import Job, JobState, JobStore
from kiegram.jobs.model import utcnow
from kiegram.jobs.waiting import waiting
from kiegram.storage.job_messages import SqlJobMessages

log = logging.getLogger(__name__)
CANCELLABLE = frozenset({JobState.PENDING, JobState.SUBMITTED})
UPLOAD_ACTIONS = {"image": "upload_photo", "video": "upload_video", "audio": "upload_voice"}


class Stage(StrEnum):
    """What the progress message says (keys ``delivery.progress.<stage>``)."""

    QUEUED = "queued"
    GENERATING = "generating"
    DELIVERING = "delivering"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def stage_of(job: Job) -> Stage:
    """The stage a stored job is in (queued while KIE has not started it)."""
    return {
        JobState.PENDING: Stage.QUEUED,
        JobState.SUBMITTED: Stage.QUEUED if waiting(job) else Stage.GENERATING,
        JobState.SUCCEEDED: Stage.DELIVERING,
        JobState.DELIVERED: Stage.DONE,
        JobState.FAILED: Stage.FAILED,
        JobState.CANCELLED: Stage.CANCELLED,
    }[job.state]


def elapsed(since: datetime, now: datetime) -> str:
    """Minutes and seconds, e.g. "1:05"."""
    seconds = max(0, int((now - since).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Sends, records, ticks and settles progress messages; one ticker task per job."""

    def __init__(
        self,
        bot: Bot,
        translator: Translator,
        catalog: Catalog,
        messages: SqlJobMessages,
        jobs: JobStore,
        interval: float = 6.0,
        clock: Callable[[], datetime] = utcnow,
        waiting: WaitingLines | None = None,
    ) -> None:
        self.bot = bot
        self.translator = translator
        self.catalog = catalog
        self.messages = messages
        self.jobs = jobs
        self.interval = interval
        self.clock = clock
        self.waiting = waiting  # the place in the queue and the usual duration, when given
        self._tickers: dict[str, asyncio.Task[None]] = {}
        # Edits of one job's message are serialised: a late "generating" never hides "done".
        self._locks: dict[str, asyncio.Lock] = {}

    def _name(self, model_id: str, lang: str) -> str:
        spec = self.catalog.get(model_id)
        return html.quote(spec.name.get(lang) if spec else model_id)

    def text(
        self, model_id: str, lang: str, stage: Stage, time: str, extra: list[str] | None = None
    ) -> str:
        """The message: model, stage, elapsed time (and the waiting lines, if any)."""
        t = self.translator
        return "\n".join(
            [
                f"<b>{self._name(model_id, lang)}</b>",
                t(lang, f"delivery.progress.{stage.value}"),
                t(lang, "delivery.progress.elapsed", time=time),
                *(extra or []),
            ]
        )

    async def open(self, chat_id: int, lang: str, model_id: str) -> int | None:
        """Send the "queued" message before the job exists; its id, or None if not sent."""
        try:
            sent = await self.bot.send_message(
                chat_id, self.text(model_id, lang, Stage.QUEUED, "0:00")
            )
        except TelegramAPIError as exc:
            log.info("progress message for chat %s not sent: %s", chat_id, exc)
            return None
        return sent.message_id

    async def attach(self, job: Job, message_id: int | None) -> None:
        """Link the message to the stored job, show its stage and keep it ticking."""
        if message_id is None:
            return
        await self.messages.put(job.id, job.chat_id, message_id)
        current = await self.jobs.get(job.id) or job
        if current.state.final:
            await self.finish(current)
            return
        await self._running(current, stage_of(current))
        self._start(job.id)

    async def delivering(self, job: Job) -> None:
        """The results are being sent: the matching chat action. The message itself says
        "delivering" at its next tick only, so a quick delivery is not one more edit."""
        action = UPLOAD_ACTIONS.get(job.output, "typing")
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_chat_action(job.chat_id, action)

    async def finish(self, job: Job, stage: Stage | None = None) -> None:
        """Show the outcome once and stop ticking (the stage defaults to the job's own)."""
        task = self._tickers.pop(job.id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        async with self._lock(job.id):
            record = await self.messages.finish(job.id)
            if record is None:
                return
            await self._edit(job, record.message_id, stage or stage_of(job))
        self._locks.pop(job.id, None)

    async def resume(self) -> int:
        """After a restart: tick unfinished jobs' messages, settle the others."""
        count = 0
        for record in await self.messages.open():
            job = await self.jobs.get(record.job_id)
            if job is None:
                await self.messages.finish(record.job_id)
            elif job.state.final:
                await self.finish(job)
            else:
                self._start(job.id)
                count += 1
        return count

    async def aclose(self) -> None:
        """Cancel every ticker (shutdown)."""
        tasks = list(self._tickers.values())
        self._tickers.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _start(self, job_id: str) -> None:
        if job_id in self._tickers:
            return
        task = asyncio.create_task(self._tick(job_id))
        self._tickers[job_id] = task
        task.add_done_callback(lambda _t: self._forget(job_id, _t))

    def _forget(self, job_id: str, task: asyncio.Task[Any]) -> None:
        if self._tickers.get(job_id) is task:
            del self._tickers[job_id]

    async def _tick(self, job_id: str) -> None:
        while True:
            await asyncio.sleep(self.interval)
            job = await self.jobs.get(job_id)
            if job is None:
                return
            if job.state.final:
                await self.finish(job)
                return
            if not await self._running(job, stage_of(job)):
                return

    def _lock(self, job_id: str) -> asyncio.Lock:
        return self._locks.setdefault(job_id, asyncio.Lock())

    async def _running(self, job: Job, stage: Stage) -> bool:
        """Show a running stage unless the outcome is already shown; False when it is."""
        async with self._lock(job.id):
            record = await self.messages.get(job.id)
            if record is None or record.finished:
                return False
            await self._edit(job, record.message_id, stage)
            return True

    async def _edit(self, job: Job, message_id: int, stage: Stage) -> None:
        # A final job stopped the clock at its last update; otherwise it is still running.
        now = job.updated_at if job.state.final else self.clock()
        running = stage in (Stage.QUEUED, Stage.GENERATING)
        extra = await self.waiting.lines(job) if running and self.waiting is not None else None
        text = self.text(job.model_id, job.lang, stage, elapsed(job.created_at, now), extra)
        markup = self._cancel(job) if running else None
        try:
            await self.bot.edit_message_text(
                text, chat_id=job.chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramAPIError as exc:
            # Not modified, deleted by the user, or Telegram busy: the next tick tries again.
            log.debug("progress of job %s not edited: %s", job.id, exc)

    def _cancel(self, job: Job) -> InlineKeyboardMarkup | None:
        if job.state not in CANCELLABLE:
            return None
        button = InlineKeyboardButton(
            text=self.translator(job.lang, "delivery.btn.cancel"),
            callback_data=JobAct(a="c", job=job.id).pack(),
        )
        return InlineKeyboardMarkup(inline_keyboard=[[button]])
