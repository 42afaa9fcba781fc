"""POST /kie/callback[/{family}]: verify, answer 200 at once, complete the job in the background.

The body is never trusted: only its task id is read, and the job service re-reads the task
from KIE's status endpoint before acting. ``?job=<id>`` (which we put in every callBackUrl)
lets the service adopt a task whose create reply was lost.

Without a webhook key (KIE_WEBHOOK_KEY unset; `kiegram doctor` warns) anybody may post a
callback, and each one naming a real task costs a status read at KIE: a task is then looked
at most once per `UNSIGNED_EVERY` seconds, whatever is posted (polling covers the rest).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from kiegram.kie.callbacks import callback_task_id
from kiegram.web.signature import SignatureVerifier

log = logging.getLogger(__name__)

Complete = Callable[[str, str | None], Awaitable[object]]
OK = {"code": 200, "msg": "success"}
UNSIGNED_EVERY = 30.0  # seconds between two completions of one task an unsigned callback asks
UNSIGNED_REMEMBERED = 10_000  # tasks remembered for that (the oldest are forgotten first)


class KieCallbacks:
    """The callback handler and the background completions it started."""

    def __init__(
        self,
        complete: Complete,
        verifier: SignatureVerifier | None,
        *,
        unsigned_every: float = UNSIGNED_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._complete = complete
        self._verifier = verifier
        self._tasks: set[asyncio.Task[None]] = set()
        self._every = unsigned_every
        self._clock = clock
        self._asked: OrderedDict[str, float] = OrderedDict()  # task id -> when last completed
        self.throttled = 0

    async def handle(self, request: web.Request) -> web.Response:
        """Answer KIE's callback; refusals change nothing."""
        body = await _json(request)
        task_id = callback_task_id(body) if isinstance(body, Mapping) else None
        if task_id is None:
            log.warning("KIE callback refused from %s: malformed body", request.remote)
            return web.json_response({"code": 400, "msg": "malformed callback"}, status=400)
        if self._verifier is not None:
            headers = request.headers
            reason = self._verifier.refusal(
                task_id, headers.get("X-Webhook-Timestamp"), headers.get("X-Webhook-Signature")
            )
            if reason is not None:
                log.warning(
                    "KIE callback for %s refused from %s: %s", task_id, request.remote, reason
                )
                return web.json_response({"code": 401, "msg": "unauthorized"}, status=401)
        elif self._too_soon(task_id):
            self.throttled += 1
            log.info("unsigned KIE callback for %s from %s: asked lately", task_id, request.remote)
            return web.json_response(OK)
        self._start(task_id, request.query.get("job"))
        return web.json_response(OK)

    def _too_soon(self, task_id: str) -> bool:
        """True when an unsigned callback asked about `task_id` within the last period."""
        now = self._clock()
        last = self._asked.get(task_id)
        if last is not None and now - last < self._every:
            return True
        self._asked[task_id] = now
        self._asked.move_to_end(task_id)
        while len(self._asked) > UNSIGNED_REMEMBERED:
            self._asked.popitem(last=False)
        return False

    async def drain(self) -> None:
        """Wait for every background completion started so far."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _start(self, task_id: str, job_hint: str | None) -> None:
        task = asyncio.create_task(self._run(task_id, job_hint))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, task_id: str, job_hint: str | None) -> None:
        try:
            await self._complete(task_id, job_hint)
        except Exception:
            # Polling covers this job anyway; the failure must not vanish silently.
            log.exception("completing KIE task %s after its callback failed", task_id)


async def _json(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


CALLBACKS = web.AppKey("kie_callbacks", KieCallbacks)


def add_kie_callback_routes(
    app: web.Application,
    complete: Complete,
    *,
    webhook_key: str | None = None,
    verifier: SignatureVerifier | None = None,
) -> KieCallbacks:
    """Add POST /kie/callback and /kie/callback/{family}; waits for completions on cleanup."""
    if verifier is None and webhook_key:
        verifier = SignatureVerifier(webhook_key)
    callbacks = KieCallbacks(complete, verifier)
    app[CALLBACKS] = callbacks
    app.router.add_post("/kie/callback", callbacks.handle)
    app.router.add_post("/kie/callback/{family}", callbacks.handle)

    async def _cleanup(_app: web.Application) -> None:
        await callbacks.drain()

    app.on_cleanup.append(_cleanup)
    return callbacks
