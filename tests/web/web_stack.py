"""Fixture: a web app with the KIE callback route, the sandbox calling it back, SQLite jobs."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

sys.path.insert(0, str(Path(__file__).parents[1] / "jobs"))  # the shared job fakes

from jobs_fakes import Harness, make_harness, minimal_payload, sandbox_client
from kit.databases import migrated_sqlite

from kiegram.catalog.loader import load_catalog
from kiegram.sandbox import SandboxServer, start_sandbox
from kiegram.storage.db import create_engine
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.web import CALLBACKS, KieCallbacks, build_web_app

WEBHOOK_KEY = "test-webhook-hmac-key"


@dataclass
class Stack:
    """The sandbox, one bot instance's jobs, and its web app listening for callbacks."""

    sandbox: SandboxServer
    harness: Harness
    callbacks: KieCallbacks
    url: str  # the callback endpoint base


__all__ = ["WEBHOOK_KEY", "Stack", "minimal_payload", "stack_fixture"]


@pytest.fixture(name="stack")
async def stack_fixture(tmp_path: Path) -> AsyncIterator[Stack]:
    url = await migrated_sqlite(tmp_path / "web.sqlite3")
    engine = create_engine(url)
    catalog = load_catalog()
    sandbox = await start_sandbox(catalog=catalog, webhook_key=WEBHOOK_KEY)
    client = sandbox_client(sandbox.base_url)
    harness = make_harness(SqlJobStore(engine), client, catalog)
    app = build_web_app(complete=harness.service.complete, webhook_key=WEBHOOK_KEY)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}/kie/callback"
    harness.service._callback_url = base
    yield Stack(sandbox, harness, app[CALLBACKS], base)
    await runner.cleanup()
    await client.aclose()
    await sandbox.close()
    await engine.dispose()
