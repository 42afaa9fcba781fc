"""POST /kie/callback[/{family}]: verify, answer 200 at once, complete the job in the background.

The body is never trusted: only its task id is read, and the job service re-reads the task
from KIE's status endpoint before acting. ``?job=<id>`` (which we put in every callBackUrl)
lets the service adopt a task whose create reply was lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from kiegram.kie.callbacks import callback_task_id
from kiegram.web.signature import SignatureVerifier

log = logging.getLogger(__name__)

Complete = Callable[[str, str | None], Awaitable[object]]
OK = {"code": 200, "msg": "success"}


class KieCallbacks:
    """The callback handler and the background completions it started."""

    def __init__(self, complete: Complete, verifier: SignatureVerifier | None) -> None:
        self._complete = complete
        self._verifier = verifier
        self._tasks: set[asyncio.Task[None]] = set()

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
        self._start(task_id, request.query.get("job"))
        return web.json_response(OK)

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
