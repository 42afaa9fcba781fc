"""Real databases for the job tests: an SQLite file per test, a PostgreSQL database per session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from jobs_fakes import Harness, make_harness, sandbox_client
from kit.databases import migrated_sqlite, temporary_pg_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.loader import load_catalog
from kiegram.kie.client import KieClient
from kiegram.sandbox import SandboxServer, start_sandbox
from kiegram.storage.db import create_engine
from kiegram.storage.jobs_repo import SqlJobStore

PG_URL = os.environ.get("KIEGRAM_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database created for this test session and dropped afterwards."""
    with temporary_pg_database("kiegram_jobs") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        yield await migrated_sqlite(tmp_path / "jobs.sqlite3")
        return
    url = request.getfixturevalue("pg_database")
    yield url
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM jobs"))
    await engine.dispose()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlJobStore]:
    """A SqlJobStore over the test database."""
    engine = create_engine(db_url)
    yield SqlJobStore(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real catalog."""
    return load_catalog()


@pytest.fixture
async def sandbox(catalog: Catalog) -> AsyncIterator[SandboxServer]:
    """A KIE simulator on a loopback port."""
    server = await start_sandbox(catalog=catalog)
    yield server
    await server.close()


@pytest.fixture
async def client(sandbox: SandboxServer) -> AsyncIterator[KieClient]:
    """A real KieClient talking HTTP to the sandbox."""
    async with sandbox_client(sandbox.base_url) as kie:
        yield kie


@pytest.fixture
def harness(store: SqlJobStore, client: KieClient, catalog: Catalog) -> Harness:
    """One instance's JobService + Poller over the test database and the sandbox."""
    return make_harness(store, client, catalog)
