"""/healthz, /readyz (database, Redis, update source, draining) and /metrics over real HTTP."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from aiohttp import web
from redis.asyncio import Redis

from kiegram.ops.health import Readiness, add_ops_routes, database_check
from kiegram.ops.metrics import Metrics
from kiegram.storage.db import create_engine

REDIS_URL = os.environ.get("KIEGRAM_TEST_REDIS", "redis://127.0.0.1:6379/0")
Serve = Callable[[web.Application], Awaitable[str]]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_ready_while_everything_answers_then_draining(serve: Serve, tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ready.sqlite3'}")
    redis = Redis.from_url(REDIS_URL)
    polling = {"ok": True}
    readiness = Readiness(engine=engine, redis=redis, update_source=lambda: polling["ok"])
    app = web.Application()
    add_ops_routes(app, readiness)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/healthz")).text == "ok"
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "ready": True,
            "draining": False,
            "checks": {
                "database": {"ok": True, "detail": "ok"},
                "redis": {"ok": True, "detail": "ok"},
                "updates": {"ok": True, "detail": "ok"},
            },
        }
        polling["ok"] = False
        stalled = await client.get("/readyz")
        assert stalled.status_code == 503
        assert stalled.json()["checks"]["updates"] == {"ok": False, "detail": "not ok"}
        polling["ok"] = True
        readiness.start_draining()
        draining = await client.get("/readyz")
        assert draining.status_code == 503 and draining.json()["draining"] is True
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/metrics")).status_code == 404
    await redis.aclose()
    await engine.dispose()


async def test_not_ready_while_database_and_redis_are_down(serve: Serve) -> None:
    port = closed_port()
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test")
    redis = Redis.from_url(f"redis://127.0.0.1:{port}/0")
    app = web.Application()
    add_ops_routes(app, Readiness(engine=engine, redis=redis))
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is False and checks["redis"]["ok"] is False
    assert "Connect" in checks["database"]["detail"] or "refused" in checks["database"]["detail"]
    await redis.aclose()
    await engine.dispose()


async def test_readyz_flips_when_the_database_goes_away(serve: Serve, tmp_path) -> None:
    good = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'flip.sqlite3'}")
    readiness = Readiness(engine=good)
    app = web.Application()
    add_ops_routes(app, readiness)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/readyz")).status_code == 200
        # The same check pointed at a database server that stopped listening.
        down = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test")
        readiness.add_check("database", database_check(down))
        assert (await client.get("/readyz")).status_code == 503
        readiness.add_check("database", database_check(good))
        assert (await client.get("/readyz")).status_code == 200
    await good.dispose()
    await down.dispose()


async def test_metrics_expose_exact_samples(serve: Serve) -> None:
    metrics = Metrics()
    metrics.update_handled("message", "handled", 0.02)
    metrics.update_handled("message", "handled", 0.03)
    metrics.update_handled("callback_query", "error", 0.5)
    metrics.kie_call("createTask", 200)
    metrics.kie_call("createTask", 402)
    metrics.job_state("queued", "flux")
    metrics.job_state("succeeded", "flux")
    metrics.job_finished("flux", "succeeded", 42.0)
    metrics.callback(accepted=True)
    metrics.callback(accepted=False, reason="bad_key")
    metrics.ledger_movement("topup", 100)
    metrics.ledger_movement("hold", -30)
    metrics.telegram_error("sendMessage", "TelegramForbiddenError")
    app = web.Application()
    add_ops_routes(app, Readiness(), metrics.registry)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    samples = set(response.text.splitlines())
    assert {
        'kiegram_updates_total{outcome="handled",type="message"} 2.0',
        'kiegram_updates_total{outcome="error",type="callback_query"} 1.0',
        'kiegram_handler_seconds_count{type="message"} 2.0',
        'kiegram_handler_seconds_bucket{le="0.025",type="message"} 1.0',
        'kiegram_kie_calls_total{code="402",endpoint="createTask"} 1.0',
        'kiegram_jobs_total{family="flux",state="succeeded"} 1.0',
        'kiegram_job_seconds_sum{family="flux",state="succeeded"} 42.0',
        'kiegram_kie_callbacks_total{reason="bad_key",result="refused"} 1.0',
        'kiegram_kie_callbacks_total{reason="ok",result="accepted"} 1.0',
        'kiegram_ledger_movements_total{kind="hold"} 1.0',
        'kiegram_ledger_units_total{kind="topup"} 100.0',
        'kiegram_telegram_errors_total{error="TelegramForbiddenError",method="sendMessage"} 1.0',
    } <= samples


def test_two_metric_sets_do_not_clash() -> None:
    first, second = Metrics(), Metrics()
    first.kie_call("credit", 200)
    assert b'kiegram_kie_calls_total{code="200",endpoint="credit"} 1.0' in first.render()
    assert b"kiegram_kie_calls_total{" not in second.render()
