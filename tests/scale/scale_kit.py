"""Bot instances in threads of their own (so one can die alone) and a callback balancer."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from kit.databases import redis_url
from kit.ports import free_port

from kiegram.app import App, build_app
from kiegram.jobs.model import Job
from kiegram.scale import WEBHOOK_PATH, mount_webhook
from kiegram.settings import Settings

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}
SECRET = "webhook-secret"


def shared_settings(
    telegram_token: str,
    telegram_url: str,
    sandbox_url: str,
    balancer_url: str,
    pg_url: str,
    prefix: str,
    **more: object,
) -> dict[str, object]:
    """What every instance of a test shares: Telegram, the sandbox KIE, the balancer in front
    of the instances (webhook and callbacks), PostgreSQL and Redis."""
    return {
        "bot_token": telegram_token,
        "telegram_api_base": telegram_url,
        "webhook_url": balancer_url,
        "webhook_secret": SECRET,
        "kie_api_key": "sandbox-key",
        "kie_base_url": sandbox_url,
        "kie_upload_base_url": sandbox_url,
        "public_url": balancer_url,
        "database_url": pg_url,
        "redis_url": redis_url(),
        "redis_prefix": prefix,
        **more,
    }


def instance_settings(base: dict[str, object], data: Path) -> Settings:
    """An instance's settings: the shared ones, its own data directory and HTTP port."""
    return Settings(**base, data_dir=data, http_port=free_port())  # type: ignore[arg-type]


class Instance:
    """One bot process: its own event loop in its own thread, serving webhook + callbacks."""

    def __init__(self, name: str, settings: Settings) -> None:
        self.name = name
        self.settings = settings
        self.url = f"http://127.0.0.1:{settings.http_port}"
        self.webhook_url = self.url + WEBHOOK_PATH
        self.app: App | None = None
        self.requests = 0  # HTTP requests being handled (updates, callbacks)
        self.delivering = 0  # results being sent (a crash there would send them twice)
        self.handled = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._runner: web.AppRunner | None = None

    async def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this instance's loop and wait for it from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def start(self) -> None:
        """Build the app from settings and serve it, as `serve()` does in webhook mode."""
        self._thread.start()
        await self.call(self._boot())

    async def _boot(self) -> None:
        app = self.app = await build_app(self.settings)
        secret = self.settings.webhook_secret
        mount_webhook(app.web_app, app.dp, app.bot, secret, refused=app.metrics.update_refused)
        app.web_app.middlewares.append(self._count_requests)
        self._watch_deliveries(app)
        self._runner = web.AppRunner(app.web_app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.settings.http_port).start()
        app.tasks.append(asyncio.create_task(app.poller.run(app.stop)))

    @web.middleware
    async def _count_requests(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests += 1
        try:
            return await handler(request)
        finally:
            self.requests -= 1
            self.handled += 1

    def _watch_deliveries(self, app: App) -> None:
        finisher = app.jobs._finish  # the seam where results reach Telegram

        def counted(method: Callable[..., Awaitable[Job | None]]) -> Callable[..., Any]:
            async def wrapper(*args: Any) -> Job | None:
                self.delivering += 1
                try:
                    return await method(*args)
                finally:
                    self.delivering -= 1

            return wrapper

        finisher.deliver = counted(finisher.deliver)  # type: ignore[method-assign]
        finisher.fail = counted(finisher.fail)  # type: ignore[method-assign]

    def quiet(self) -> bool:
        """No update, callback, submission or result delivery is half-done right now."""
        assert self.app is not None
        return not (self.requests or self.delivering or self.app.desk._tasks)

    async def kill(self) -> None:
        """Die like a killed process: no drain, no lease release, connections just drop."""
        await self.call(self._die())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _die(self) -> None:
        # Die between two steps that no crash-safe design can split (a hold and its stored
        # job, a sent result and its DELIVERED mark); everything else may be mid-way.
        while True:
            if self.quiet():  # checked and acted on with no await in between
                break
            await asyncio.sleep(0.001)
        app, runner = self.app, self._runner
        assert app is not None and runner is not None
        for site in list(runner.sites):
            await site.stop()  # the port refuses connections from now on
        me = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not me]
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks, timeout=5)
        # A dead process's sockets close: PostgreSQL and Redis drop its sessions.
        await app.engine.dispose()
        await app.bot.session.close()

    async def stop(self) -> None:
        """A graceful stop (the survivor, at the end of a test)."""
        await self.call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _stop(self) -> None:
        assert self.app is not None and self._runner is not None
        await self._runner.cleanup()
        await self.app.aclose()


class Balancer:
    """One public URL in front of several instances (KIE posts its callbacks here)."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.url = ""
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(force_close=True)
        self._http = aiohttp.ClientSession(connector=connector)

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        start = next(self._turn)
        for offset in range(len(self.backends)):
            target = self.backends[(start + offset) % len(self.backends)] + request.path_qs
            with contextlib.suppress(aiohttp.ClientError):
                async with self._http.request(
                    request.method, target, data=body, headers=headers
                ) as reply:
                    return web.Response(status=reply.status, body=await reply.read())
        return web.Response(status=502)
