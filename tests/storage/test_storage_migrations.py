"""A database migrated by an earlier release upgrades to the current heads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kiegram.ops.doctor_storage import check_database
from kiegram.storage.db import create_engine, upgrade

EARLIER_HEADS = (
    "0001_billing",
    "0001_conversations",
    "0001_jobs",
    "0001_updates",
    "0002_job_messages",
)


OLD_LEDGER = (
    "INSERT INTO users (id, language, created_at, blocked, balance) "
    "VALUES (1, 'ru', '2026-11-01', 0, 88)",
    "INSERT INTO ledger_entries (user_id, kind, amount, key, created_at) VALUES "
    "(1, 'topup', 100, 'top', '2026-11-01'), (1, 'hold', -5, 'job:a', '2026-11-02'), "
    "(1, 'hold', -7, 'job:b', '2026-11-02')",
    "INSERT INTO ledger_entries (user_id, kind, amount, key, settles, created_at) "
    "VALUES (1, 'capture', 0, 'capture:job:b', 'job:b', '2026-11-02')",
)


async def test_the_heads_of_the_previous_release_upgrade_with_held_filled_in(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    for head in EARLIER_HEADS:
        await upgrade(url, head)
    engine = create_engine(url)
    async with engine.begin() as connection:
        for statement in OLD_LEDGER:
            await connection.execute(text(statement))
    await engine.dispose()
    before = await check_database(url)
    assert not before.ok and "migrations not current" in before.detail
    await upgrade(url)
    after = await check_database(url)
    assert after.ok, after.detail

    def indexes(connection: Any, table: str) -> set[str]:
        return {str(i["name"]) for i in inspect(connection).get_indexes(table)}

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert "ix_jobs_hold_key" in await connection.run_sync(indexes, "jobs")
            assert "ix_free_uses_created_at" in await connection.run_sync(indexes, "free_uses")
            held = await connection.execute(text("SELECT balance, held FROM users"))
            assert held.all() == [(88, 5)]  # job:b was captured; job:a is still held
        with pytest.raises(IntegrityError, match="held_not_negative"):
            async with engine.begin() as connection:
                await connection.execute(text("UPDATE users SET held = -1"))
    finally:
        await engine.dispose()
