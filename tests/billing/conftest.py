"""Real databases for the money tests: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from billing_kit import ADMIN_ID, TABLES, Money
from kit.databases import run_in_thread, temporary_pg_database
from sqlalchemy import text

from kiegram.billing import FreeQuota, Ledger, LedgerSettlement, Payments, Referrals
from kiegram.storage.billing_repo import SqlBillingRepo
from kiegram.storage.db import create_engine, upgrade
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.users_store import SqlUserStore

PG_URL = os.environ.get("KIEGRAM_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def billing_pg() -> Iterator[str]:
    """A PostgreSQL database for this session, migrated to the billing head, then dropped."""
    with temporary_pg_database("kiegram_billing", "billing@head") as url:
        yield url


@pytest.fixture(scope="session")
def billing_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file for this session, migrated to the billing head."""
    path: Path = tmp_path_factory.mktemp("billing") / "billing.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    run_in_thread(upgrade(url, "billing@head"))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def billing_url(request: pytest.FixtureRequest) -> str:
    """The migrated test database of each kind."""
    name = "billing_sqlite" if request.param == "sqlite" else "billing_pg"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
async def money(billing_url: str) -> AsyncIterator[Money]:
    """Services over an empty database; afterwards every cached balance must equal its ledger."""
    engine = create_engine(billing_url)
    store = SqlLedgerStore(engine)
    ledger = Ledger(store)
    quota = FreeQuota(store, per_day=3, max_units=5)
    referrals = Referrals(store, bonus=20)
    yield Money(
        ledger=ledger,
        payments=Payments(store),
        quota=quota,
        referrals=referrals,
        settlement=LedgerSettlement(ledger, quota, referrals),
        store=store,
        users=SqlUserStore(engine, admin_ids={ADMIN_ID}),
        repo=SqlBillingRepo(engine),
    )
    try:
        assert await store.mismatches() == []
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE users SET referrer_id = NULL"))
            for table in TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))
        await engine.dispose()
