"""Liveness, readiness and the metrics endpoint on the app's aiohttp server."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# A check passes by returning True (or None) and fails by returning False or raising.
Check = Callable[[], Awaitable[bool | None]]
UpdateSource = Callable[[], bool | Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One readiness check's result."""

    ok: bool
    detail: str


class Readiness:
    """What /readyz reports: the database, Redis, the update source, and draining."""

    def __init__(
        self,
        engine: AsyncEngine | None = None,
        redis: Redis | None = None,
        update_source: UpdateSource | None = None,
        timeout: float = 3.0,
    ) -> None:
        self.timeout = timeout
        self.draining = False
        self._checks: dict[str, Check] = {}
        if engine is not None:
            self.add_check("database", database_check(engine))
        if redis is not None:
            self.add_check("redis", redis_check(redis))
        if update_source is not None:
            self.add_check("updates", source_check(update_source))

    def add_check(self, name: str, check: Check) -> None:
        """Add (or replace) a named check."""
        self._checks[name] = check

    def start_draining(self) -> None:
        """Report not-ready from now on, so the balancer stops sending traffic (shutdown)."""
        self.draining = True

    async def run(self) -> dict[str, CheckOutcome]:
        """Run every check concurrently, each bounded by the timeout."""
        names = list(self._checks)
        outcomes = await asyncio.gather(*(self._run_one(n) for n in names))
        return dict(zip(names, outcomes, strict=True))

    async def _run_one(self, name: str) -> CheckOutcome:
        try:
            async with asyncio.timeout(self.timeout):
                passed = await self._checks[name]()
        except TimeoutError:
            return CheckOutcome(False, f"no answer within {self.timeout:g}s")
        except Exception as exc:
            # A readiness probe must answer whatever broke; the reason goes to the body and log.
            log.warning("readiness check %s failed: %s", name, exc)
            return CheckOutcome(False, f"{type(exc).__name__}: {exc}"[:300])
        return CheckOutcome(True, "ok") if passed is not False else CheckOutcome(False, "not ok")


def database_check(engine: AsyncEngine) -> Check:
    """A check running `SELECT 1` on `engine`."""

    async def check() -> bool:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    return check


def redis_check(redis: Redis) -> Check:
    """A check sending PING to `redis`."""

    async def check() -> bool:
        return bool(await redis.ping())

    return check


def source_check(source: UpdateSource) -> Check:
    """A check asking the update source (polling loop or webhook) whether it is healthy."""

    async def check() -> bool:
        answer = source()
        return bool(await answer) if inspect.isawaitable(answer) else bool(answer)

    return check


READINESS = web.AppKey("kiegram_readiness", Readiness)


def add_ops_routes(
    app: web.Application, readiness: Readiness, registry: CollectorRegistry | None = None
) -> None:
    """Add GET /healthz, /readyz and (with a registry) /metrics to `app`."""
    app[READINESS] = readiness

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_: web.Request) -> web.Response:
        outcomes = await readiness.run()
        ready = not readiness.draining and all(o.ok for o in outcomes.values())
        body = {
            "ready": ready,
            "draining": readiness.draining,
            "checks": {name: {"ok": o.ok, "detail": o.detail} for name, o in outcomes.items()},
        }
        return web.json_response(body, status=200 if ready else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if registry is not None:
        metrics_registry = registry

        async def metrics(_: web.Request) -> web.Response:
            response = web.Response(body=generate_latest(metrics_registry))
            response.headers["Content-Type"] = CONTENT_TYPE_LATEST
            return response

        app.router.add_get("/metrics", metrics)
