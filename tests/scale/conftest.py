"""What the multi-instance tests share: a PostgreSQL database, a Redis prefix, the seams."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from kit import WebhookTelegram
from kit.databases import (
    delete_prefix,
    drop_pg_database_later,
    migrated_pg_database,
    redis_url,
    unique_prefix,
)
from scale_kit import SECRET, Balancer

from kiegram.sandbox import SandboxServer, start_sandbox


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    url = await migrated_pg_database("kiegram_scale")
    yield url
    drop_pg_database_later(url)


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = unique_prefix("kiegram-scale")
    yield name
    await delete_prefix(redis_url(), name)


@pytest.fixture
async def seams() -> AsyncIterator[tuple[WebhookTelegram, SandboxServer, Balancer]]:
    telegram = WebhookTelegram(secret=SECRET)
    await telegram.start()
    sandbox = await start_sandbox(delay=0.3, api_key="sandbox-key")
    balancer = Balancer()
    await balancer.start()
    yield telegram, sandbox, balancer
    await balancer.stop()
    await sandbox.close()
    await telegram.stop()
