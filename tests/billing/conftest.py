"""Real databases for the money tests: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from kiegram.billing import FreeQuota, Ledger, LedgerSettlement, Payments, Referrals
from kiegram.storage.billing_repo import SqlBillingRepo
from kiegram.storage.db import create_engine, session_factory, upgrade
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.users_store import SqlUserStore

PG_URL = os.environ.get("KIEGRAM_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
ADMIN_ID = 1
TABLES = ("model_switches", "referrals", "free_uses", "payments", "ledger_entries", "users")


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    # Session fixtures may be set up inside a running loop: use a thread of our own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def billing_pg() -> Iterator[str]:
    """A PostgreSQL database for this session, migrated to the billing head, then dropped."""
    name = f"kiegram_billing_{uuid.uuid4().hex[:12]}"
    _run(_admin(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _run(upgrade(url, "billing@head"))
        yield url
    finally:
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def billing_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file for this session, migrated to the billing head."""
    path: Path = tmp_path_factory.mktemp("billing") / "billing.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    _run(upgrade(url, "billing@head"))
    return url


@dataclass
class Money:
    """The billing services wired to one test database."""

    ledger: Ledger
    payments: Payments
    quota: FreeQuota
    referrals: Referrals
    settlement: LedgerSettlement
    store: SqlLedgerStore
    users: SqlUserStore
    repo: SqlBillingRepo

    async def user(self, user_id: int, balance: int = 0, username: str | None = None) -> int:
        """Register a user and fund them with a top-up of `balance` units."""
        await self.users.touch(user_id, username, "ru")
        if balance:
            await self.payments.credit_payment(user_id, balance, balance, f"seed-{user_id}")
        return user_id


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
    sessions = session_factory(engine)
    store = SqlLedgerStore(sessions)
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
        users=SqlUserStore(sessions, admin_ids={ADMIN_ID}),
        repo=SqlBillingRepo(sessions),
    )
    try:
        assert await store.mismatches() == []
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE users SET referrer_id = NULL"))
            for table in TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))
        await engine.dispose()
