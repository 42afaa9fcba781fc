"""A load driver: FakeTelegram posting its users' updates to a bot's webhook, timed.

`LoadTelegram` is the Bot API stand-in (the bot's calls travel over loopback HTTP) in the
load harness's own process, apart from the bot's: Telegram's work is not the bot's, and the
harness's users and pacing take none of the bot's CPU. `push` POSTs each update to the
webhook URL the bot registered with `setWebhook`, as Telegram does (keep-alive connections,
at most `MAX_CONNECTIONS` at once, the secret token header), and waits for the answer: a bot
that answers its webhook once the update is handled (aiogram's `handle_in_background=False`,
as kiegram does) has then made every call of that update. It records the wall latency and
the bot's CPU for the update, which the bot reports in the `CPU_HEADER` of its answer
(`cpu_header_middleware`, for the benchmark's bot processes). `Pacer` spaces sends at a fixed
rate; the latency of a paced update counts from its scheduled time, so a bot that falls
behind shows its queueing delay.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from kit.telegram_calls import Call
from kit.telegram_fake import SEND_METHODS, TOKEN, FakeTelegram
from kit.telegram_users import FakeUser
from kit.telegram_webhook import SECRET_HEADER

from kiegram.jsontext import dumps_bytes

log = logging.getLogger(__name__)
_scheduled: contextvars.ContextVar[float | None] = contextvars.ContextVar("scheduled", default=None)
CPU_HEADER = "X-Bench-Cpu"  # the bot's process CPU seconds for one webhook request
MAX_CONNECTIONS = 40  # Telegram's default max_connections for a webhook
ANSWER_TIMEOUT = 60.0  # seconds an update waits for the webhook's answer (Telegram's, about)


@dataclass
class Samples:
    """Per-update measurements: wall seconds, the bot's CPU seconds, failures."""

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


class LoadTelegram(FakeTelegram):
    """FakeTelegram that posts every user update to the bot's webhook and times it."""

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self.webhook = ""  # the URL and secret token the bot set with setWebhook
        self.secret = ""
        self.samples = Samples()
        self.by_chat: dict[int, dict[int, dict[str, Any]]] = {}
        self.sent_to: Counter[tuple[str, int]] = Counter()
        self.update_errors: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self._http: aiohttp.ClientSession | None = None

    async def stop(self) -> None:
        """Close the webhook connections and stop serving."""
        if self._http is not None:
            await self._http.close()
        await super().stop()

    async def wait_webhook(self, timeout: float = 60.0) -> str:
        """Wait until the bot has set its webhook; returns the URL."""
        await self.wait_for(lambda: bool(self.webhook), timeout)
        return self.webhook

    def reset(self) -> Samples:
        """Start a new measurement; returns the finished one."""
        done, self.samples = self.samples, Samples()
        return done

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """POST the update to the webhook and wait for the answer; returns its update_id."""
        update_id = next(self._ids)
        body = dumps_bytes({"update_id": update_id, kind: payload})
        start = _scheduled.get() or time.perf_counter()
        try:
            status, cpu = await self._post(body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, cpu = None, None
            self.update_errors[f"{type(exc).__name__}: no answer from the webhook"] += 1
        self.samples.wall.append(time.perf_counter() - start)
        if cpu is not None:
            self.samples.cpu.append(cpu)
        if status != 200:
            self.samples.errors += 1
            if status is not None:
                self.update_errors[f"webhook answered {status}"] += 1
        return update_id

    async def _post(self, body: bytes) -> tuple[int, float | None]:
        if not self.webhook:
            raise RuntimeError("the bot has not set a webhook yet")
        if self._http is None:
            connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
            timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT)
            self._http = aiohttp.ClientSession(connector=connector, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        async with self._http.post(self.webhook, data=body, headers=headers) as reply:
            answer = await reply.read()
            cpu = reply.headers.get(CPU_HEADER)
            if reply.status == 200:
                await self.run_webhook_reply(answer, reply.headers)
            return reply.status, None if cpu is None else float(cpu)

    async def wait_consumed(self, update_id: int, timeout: float = 10.0) -> None:
        """Nothing to wait for: `push` returns once the bot answered the update."""

    def user(self, user_id: int, language_code: str = "ru", **extra: Any) -> FakeUser:
        """A user whose view of the chat is indexed (cheap with thousands of messages)."""
        return LoadUser(self, user_id, language_code, **extra)

    def _store(self, call: Call, kind: str, item: dict[str, Any] | None = None) -> dict[str, Any]:
        message = super()._store(call, kind, item)
        self.by_chat.setdefault(message["chat"]["id"], {})[message["message_id"]] = message
        return message

    def _answer(self, call: Call) -> Any:
        if call.method == "setwebhook":
            self.webhook = str(call.params.get("url", ""))
            self.secret = str(call.params.get("secret_token") or "")
        if call.method in SEND_METHODS or call.method == "sendmediagroup":
            chat = call.params.get("chat_id")
            if chat is not None:
                self.sent_to[(call.method, int(chat))] += 1
        return super()._answer(call)


class LoadUser(FakeUser):
    """FakeUser reading its chat from LoadTelegram's per-chat index."""

    def chat(self) -> list[dict[str, Any]]:
        """Every bot message in this chat, oldest first, as last edited."""
        server = self.server
        assert isinstance(server, LoadTelegram)
        chat = server.by_chat.get(self.id, {})
        return [chat[key] for key in sorted(chat)]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def cpu_header_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """For a bot process under load: each answer carries, in `CPU_HEADER`, the process CPU
    from the route's start to its answer built (reading the body, parsing and handling the
    update, the reply's body). Not in it: aiohttp's parsing of the request head and writing
    of the answer (~250 µs a request on the development machine, for any bot alike). Other
    requests' work at the same time would be: only one-at-a-time measurements read it."""
    cpu = time.process_time()
    response = await handler(request)
    response.headers[CPU_HEADER] = f"{time.process_time() - cpu:.9f}"
    return response


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
