"""Memory per conversation and per pending job; KIE calls per job (callback vs polling path).

Run: .venv/bin/python benchmarks/bench_memory.py [--conversations N] [--jobs N] [--kie-jobs N]
- Conversations: N wizard states (a mix of every usable model, each stopped at its confirm
  screen) stored as aiogram FSM data through the bot's real storage (SqlStorage over SQLite,
  and Redis when it answers); Python heap by tracemalloc, database bytes by file growth,
  Redis bytes by MEMORY USAGE. Baseline: the same data as compact JSON.
- Pending jobs: 10,000 `Job` objects (tracemalloc) and their rows (SqlJobStore on SQLite).
- KIE calls: jobs run through JobService against the sandbox, once with callbacks to the
  web app and once by polling; every HTTP request to the sandbox is counted by kind.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis

from kiegram.catalog import load_catalog
from kiegram.fsm.base import CachedStorage
from kiegram.fsm.redis import RedisConversations
from kiegram.fsm.sql import SqlStorage
from kiegram.jobs import Job
from kiegram.jobs.model import utcnow
from kiegram.storage.conversations import ConversationStore
from kiegram.storage.db import create_engine, upgrade
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.wizard import Wizard

sys.path.insert(0, str(Path(__file__).parent))
from bench_kie_calls import kie_calls
from bench_wizard import record

REDIS_URL = os.environ.get("KIEGRAM_TEST_REDIS", "redis://127.0.0.1:6379/0")
GOAL = "a few KB per conversation"


def conversations(count: int) -> list[dict[str, Any]]:
    """FSM data of `count` users, each with a wizard at its confirm screen (models mixed)."""
    catalog = load_catalog()
    wizard = Wizard(catalog)
    states = []
    for spec in catalog.usable():
        script = record(wizard, spec)
        if script is not None:
            states.append(script.states[-2])  # the confirm screen, before CONFIRMED
    return [
        {"wz": states[i % len(states)], "sid": f"{i:06x}", "wz_msg": 1000 + i, "lang": "ru"}
        for i in range(count)
    ]


def heap_bytes(build: Callable[[], object]) -> tuple[int, object]:
    """Python heap growth while `build` runs (what it returns stays alive)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, kept


async def store_all(storage: BaseStorage, data: list[dict[str, Any]]) -> None:
    """Write every user's FSM data (state and data) through the storage."""
    for uid, item in enumerate(data, start=1):
        key = StorageKey(bot_id=42, chat_id=uid, user_id=uid)
        await storage.set_state(key, "wizard")
        await storage.set_data(key, item)


async def sqlite_bytes(tmp: Path, data: list[dict[str, Any]]) -> int:
    """Database file growth from storing the conversations in SqlStorage."""
    url = f"sqlite+aiosqlite:///{tmp / 'conv.sqlite3'}"
    await upgrade(url)
    engine = create_engine(url)
    before = (tmp / "conv.sqlite3").stat().st_size
    await store_all(SqlStorage(ConversationStore(engine)), data)
    await engine.dispose()
    return (tmp / "conv.sqlite3").stat().st_size - before


async def redis_bytes(data: list[dict[str, Any]]) -> int | None:
    """Redis memory of the conversations as the bot keeps them there; None without Redis."""
    prefix = f"kiegram-bench-{uuid.uuid4().hex[:8]}"
    client: Redis = Redis.from_url(REDIS_URL)
    keys = DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=True)
    try:
        await store_all(CachedStorage(RedisConversations(client, keys)), data)
        found = [k async for k in client.scan_iter(match=f"{prefix}:*")]
        total = sum([int(await client.memory_usage(k) or 0) for k in found])
        if found:
            await client.delete(*found)
        return total
    except OSError:
        return None
    finally:
        await client.aclose()


def pending_job(i: int) -> Job:
    """A realistic pending job: a prompt and an uploaded-image reference."""
    return Job(
        user_id=100_000 + i,
        chat_id=100_000 + i,
        model_id="google/nano-banana-edit",
        api="market",
        output="image",
        payload={
            "prompt": f"make the sky stormy and add a lighthouse, take {i}",
            "image_urls": [f"tg:AgACAgIAAxkBAAI{i:012d}"],
            "output_format": "png",
        },
        cost=Decimal(6),
        hold_key=f"job:{100_000 + i}:{i:06x}",
        deadline_at=utcnow() + timedelta(minutes=10),
    )


async def job_rows_bytes(tmp: Path, jobs: list[Job]) -> int:
    """Database file growth from storing the jobs."""
    url = f"sqlite+aiosqlite:///{tmp / 'jobs.sqlite3'}"
    await upgrade(url)
    engine = create_engine(url)
    before = (tmp / "jobs.sqlite3").stat().st_size
    store = SqlJobStore(engine)
    for job in jobs:
        await store.add(job)
    await engine.dispose()
    return (tmp / "jobs.sqlite3").stat().st_size - before


def kb(total: int, count: int) -> str:
    """Bytes per item as KB text."""
    return f"{total / count / 1024:7.2f} KB"


async def main_async(args: argparse.Namespace) -> None:
    """Measure and print every figure."""
    n, m = args.conversations, args.jobs
    data = conversations(n)
    json_total = sum(len(json.dumps(d, separators=(",", ":"))) for d in data)
    heap, _kept = heap_bytes(lambda: json.loads(json.dumps(data)))
    with tempfile.TemporaryDirectory() as tmp:
        db = await sqlite_bytes(Path(tmp), data)
        redis = await redis_bytes(data)
        jobs_heap, jobs = heap_bytes(lambda: [pending_job(i) for i in range(m)])
        rows = await job_rows_bytes(Path(tmp), jobs)  # type: ignore[arg-type]
    print(f"conversations: {n} wizard states at their confirm screen (models mixed)")
    print(f"  baseline: FSM data as compact JSON      {kb(json_total, n)}")
    print(f"  Python heap (tracemalloc)               {kb(heap, n)}")
    print(f"  SQLite (SqlStorage) file growth         {kb(db, n)}")
    print(f"  Redis (RedisConversations) MEMORY USAGE {kb(redis, n) if redis else '   (no Redis)'}")
    print(f"  goal: {GOAL}")
    print(f"pending jobs: {m}")
    mb = 2**20
    print(f"  Job objects (tracemalloc)       {kb(jobs_heap, m)}  ({jobs_heap / mb:.1f} MB)")
    print(f"  jobs rows (SQLite file growth)  {kb(rows, m)}  ({rows / mb:.1f} MB)")
    print(f"KIE calls per job ({args.kie_jobs} image jobs, sandbox {args.delay:g} s per task)")
    for path, counts in (await kie_calls(args.kie_jobs, args.delay)).items():
        per = ", ".join(f"{k} {v / args.kie_jobs:.2f}" for k, v in sorted(counts.items()))
        print(f"  {path:<9} {sum(counts.values()) / args.kie_jobs:5.2f} calls/job  ({per})")


def main() -> None:
    """Parse flags and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--kie-jobs", type=int, default=20)
    parser.add_argument("--delay", type=float, default=10.0, help="sandbox seconds per task")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
