"""Storage contract fixtures: every test runs on SQLite and on a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from alembic import command
from kit.databases import (
    delete_prefix,
    redis_url,
    temporary_pg_database,
    unique_prefix,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.storage.db import alembic_config, create_engine

T = TypeVar("T")


def _migrate(url: str) -> None:
    # Alembic's env.py starts its own loop, so it runs in a thread without one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(command.upgrade, alembic_config(url), "heads").result()


@pytest.fixture(scope="session")
def pg_contract_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the session (tests use unique keys in it)."""
    with temporary_pg_database("kiegram_contract") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_contract_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated SQLite file for the session."""
    path: Path = tmp_path_factory.mktemp("contract") / "contract.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    _migrate(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(
    request: pytest.FixtureRequest, sqlite_contract_url: str, pg_contract_url: str
) -> AsyncIterator[AsyncEngine]:
    """An engine on the backend under test."""
    url = sqlite_contract_url if request.param == "sqlite" else pg_contract_url
    engine = create_engine(url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A Redis key prefix of this test; its keys are deleted afterwards."""
    prefix = unique_prefix()
    yield prefix
    await delete_prefix(redis_url(), prefix)
