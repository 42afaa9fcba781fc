"""A load driver: FakeTelegram whose users' updates go straight into a dispatcher, timed.

`FeedTelegram` keeps FakeTelegram's Bot API side (the bot's calls still travel over loopback
HTTP) but replaces getUpdates: `push` parses the update's JSON body with the bot session's
`json_loads`, validates it and awaits `Dispatcher.feed_update` (what aiogram's webhook handler
does), recording wall latency and process CPU per update, parsing included. `Pacer` spaces
sends at a fixed rate; the latency of a paced update counts from its scheduled time, so a bot
that falls behind shows its queueing delay.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from kiegram.jsontext import dumps_bytes
from kiegram.testing.telegram_fake import SEND_METHODS, TOKEN, Call, FakeTelegram
from kiegram.testing.telegram_users import FakeUser

log = logging.getLogger(__name__)
_scheduled: contextvars.ContextVar[float | None] = contextvars.ContextVar("scheduled", default=None)


@dataclass
class Samples:
    """Per-update measurements: wall seconds, CPU seconds, failures."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of wall latency in seconds; 0 without samples."""
        if len(self.wall) < 2:
            return self.wall[0] if self.wall else 0.0
        return statistics.quantiles(self.wall, n=100, method="inclusive")[int(q) - 1]

    def cpu_mean(self) -> float:
        """Mean CPU seconds per update."""
        return statistics.fmean(self.cpu) if self.cpu else 0.0

    def cpu_median(self) -> float:
        """Median CPU seconds per update (robust to a noisy machine's stalls)."""
        return statistics.median(self.cpu) if self.cpu else 0.0


class FeedTelegram(FakeTelegram):
    """FakeTelegram that feeds every user update to an attached dispatcher and times it."""

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self.samples = Samples()
        self.by_chat: dict[int, dict[int, dict[str, Any]]] = {}
        self.sent_to: Counter[tuple[str, int]] = Counter()
        self.update_errors: Counter[str] = Counter()
        self._dp: Dispatcher | None = None
        self._bot: Bot | None = None
        self._ids = itertools.count(1)

    def attach(self, dp: Dispatcher, bot: Bot) -> None:
        """Deliver updates to `dp` with `bot` from now on."""
        self._dp, self._bot = dp, bot

    def reset(self) -> Samples:
        """Start a new measurement; returns the finished one."""
        done, self.samples = self.samples, Samples()
        return done

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Handle the update now, in the caller's task; returns its update_id."""
        assert self._dp is not None and self._bot is not None, "attach() a dispatcher first"
        update_id = next(self._ids)
        body = dumps_bytes({"update_id": update_id, kind: payload})
        start, cpu = _scheduled.get() or time.perf_counter(), time.process_time()
        update = Update.model_validate(
            self._bot.session.json_loads(body), context={"bot": self._bot}
        )
        try:
            await self._dp.feed_update(self._bot, update)
        except Exception as exc:  # a crash is a measured outcome here, not the driver's end
            self.samples.errors += 1
            self.update_errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"] += 1
            log.debug("update %s failed", update_id, exc_info=True)
        self.samples.cpu.append(time.process_time() - cpu)
        self.samples.wall.append(time.perf_counter() - start)
        return update_id

    async def wait_consumed(self, update_id: int, timeout: float = 10.0) -> None:
        """Nothing to wait for: `push` returns once the update is handled."""

    def user(self, user_id: int, language_code: str = "ru", **extra: Any) -> FakeUser:
        """A user whose view of the chat is indexed (cheap with thousands of messages)."""
        return LoadUser(self, user_id, language_code, **extra)

    def _store(self, call: Call, kind: str, item: dict[str, Any] | None = None) -> dict[str, Any]:
        message = super()._store(call, kind, item)
        self.by_chat.setdefault(message["chat"]["id"], {})[message["message_id"]] = message
        return message

    def _answer(self, call: Call) -> Any:
        if call.method in SEND_METHODS or call.method == "sendmediagroup":
            chat = call.params.get("chat_id")
            if chat is not None:
                self.sent_to[(call.method, int(chat))] += 1
        return super()._answer(call)


class LoadUser(FakeUser):
    """FakeUser reading its chat from FeedTelegram's per-chat index."""

    def chat(self) -> list[dict[str, Any]]:
        """Every bot message in this chat, oldest first, as last edited."""
        server = self.server
        assert isinstance(server, FeedTelegram)
        chat = server.by_chat.get(self.id, {})
        return [chat[key] for key in sorted(chat)]


class Pacer:
    """Hands out send slots at a fixed rate; a slot's time becomes its updates' start."""

    def __init__(self, rate: float, start: float | None = None) -> None:
        self.rate = rate
        self.start = time.perf_counter() if start is None else start
        self._slots = itertools.count()

    async def slot(self) -> float:
        """Wait for the next slot; later `push` calls in this task count from it."""
        at = self.start + next(self._slots) / self.rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        _scheduled.set(at)
        return at

    @staticmethod
    def clear() -> None:
        """Time this task's next updates from their own start again."""
        _scheduled.set(None)
