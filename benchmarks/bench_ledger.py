"""A hold and its release for a user with a long history, next to one with none.

Run: .venv/bin/python benchmarks/bench_ledger.py [--pg] [--history N] [--probes N]
Every confirm places a hold and every result captures or releases it, each in a locked
transaction through the bot's real ledger store (SQLite in a temp dir; a temporary
PostgreSQL database with --pg). The baseline is the same user before any history: the
cost should not grow with the user's past generations. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator

from e2e_bots import pg_database

from kiegram.billing import Ledger
from kiegram.storage.db import create_engine, upgrade
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.users_store import SqlUserStore

USER = 1


Pair = tuple[float, float]  # (wall ms, process CPU ms) per hold + release


async def per_pair(ledger: Ledger, probes: int, tag: str) -> Pair:
    """Wall and CPU milliseconds of one hold + release, averaged over `probes`."""
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(probes):
        await ledger.hold(USER, 1, f"probe:{tag}:{i}")
        await ledger.release(f"probe:{tag}:{i}")
    return (time.perf_counter() - wall) / probes * 1e3, (time.process_time() - cpu) / probes * 1e3


async def measure(url: str, history: int, probes: int) -> tuple[Pair, Pair]:
    """(without history, with `history` captured generations) per hold + release."""
    await upgrade(url)
    engine = create_engine(url)
    try:
        await SqlUserStore(engine, ()).touch(USER, None, "ru")
        ledger = Ledger(SqlLedgerStore(engine))
        await ledger.grant(USER, 10**9, "bench:grant", admin_id=0, reason="benchmark")
        await per_pair(ledger, 20, "warm")
        fresh = await per_pair(ledger, probes, "fresh")
        for n in range(history):
            await ledger.hold(USER, 1, f"job:{n}")
            await ledger.capture(f"job:{n}")
        return fresh, await per_pair(ledger, probes, "long")
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def sqlite_url() -> AsyncIterator[str]:
    """A SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/ledger.sqlite3"


async def main_async(pg: bool, history: int, probes: int) -> None:
    """Measure each database and print a line per database."""
    sources = [("sqlite", sqlite_url())] + ([("pg", pg_database())] if pg else [])
    print(f"{'storage':<8} {'no history':>16} {f'{history} past':>16} {'wall ratio':>10}")
    for name, source in sources:
        async with source as url:
            fresh, long = await measure(url, history, probes)
        print(
            f"{name:<8} {fresh[0]:>7.2f} / {fresh[1]:<6.2f} {long[0]:>7.2f} / {long[1]:<6.2f}"
            f" {long[0] / fresh[0]:>10.2f}"
        )
    print("  ms per hold + release (one locked transaction each): wall / this process's CPU")


def main() -> None:
    """Parse flags, run, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--history", type=int, default=5000, help="past generations")
    parser.add_argument("--probes", type=int, default=100, help="hold + release pairs timed")
    args = parser.parse_args()
    asyncio.run(main_async(args.pg, args.history, args.probes))


if __name__ == "__main__":
    main()
