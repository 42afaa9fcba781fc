"""A database migrated by an earlier release upgrades to the current heads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from kiegram.ops.doctor_storage import check_database
from kiegram.storage.db import create_engine, upgrade

EARLIER_HEADS = (
    "0001_billing",
    "0001_conversations",
    "0001_jobs",
    "0001_updates",
    "0002_job_messages",
)


async def test_the_heads_of_the_previous_release_upgrade_to_the_sweeper_indexes(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    for head in EARLIER_HEADS:
        await upgrade(url, head)
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
    finally:
        await engine.dispose()
