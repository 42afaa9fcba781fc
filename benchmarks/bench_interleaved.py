"""CPU per update, the real bot and the echo bot taking turns in one process.

Run: .venv/bin/python benchmarks/bench_interleaved.py [--pg] [--rounds N]
`bench_e2e.py` runs each bot's phases one after the other; on a noisy machine CPU time can
drift between them. Here both bots are up at once (each on its own FeedTelegram, KIE the
sandbox in its own process, as in `bench_e2e`) and flows alternate: one echo flow, one
kiegram flow (its result delivered and settled before the next), `--rounds` x 6 times, after
three warm-up flows each. Prints the median CPU per step of the flow for both, the mean of
those medians per update, and their ratio. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import time
from typing import Any

from bench_e2e import sequential
from e2e_bots import echo_bot, kiegram_bot, pg_database
from e2e_flows import echo_flow, fund, real_flow

from kiegram.testing.load import FeedTelegram

Steps = dict[int, list[float]]


def timed(telegram: FeedTelegram, steps: Steps, position: list[int]) -> None:
    """Record each update's CPU by its position in the flow (`position[0]`, reset per flow)."""
    push = telegram.push

    async def push_timed(kind: str, payload: dict[str, Any]) -> int:
        index, position[0] = position[0], position[0] + 1
        cpu = time.process_time()
        update_id = await push(kind, payload)
        steps.setdefault(index, []).append(time.process_time() - cpu)
        return update_id

    telegram.push = push_timed  # type: ignore[method-assign]


def per_update(steps: Steps) -> float:
    """Mean over the flow's steps of each step's median CPU seconds."""
    return statistics.fmean(statistics.median(v) for v in steps.values())


async def run(pg: bool, rounds: int) -> None:
    """Both bots up, flows alternating; prints the table."""
    echo_tg, real_tg = FeedTelegram(), FeedTelegram()
    await echo_tg.start()
    await real_tg.start()
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(echo_bot(echo_tg))
        url = await stack.enter_async_context(pg_database()) if pg else ""
        app = await stack.enter_async_context(kiegram_bot(real_tg, url))
        users = list(range(50_000, 50_003 + rounds * 6))
        await fund(app, users)
        await sequential(echo_tg, echo_flow, users[:3], None)
        await sequential(real_tg, real_flow, users[:3], app)
        echo_steps: Steps = {}
        real_steps: Steps = {}
        echo_at, real_at = [0], [0]
        timed(echo_tg, echo_steps, echo_at)
        timed(real_tg, real_steps, real_at)
        for uid in users[3:]:
            echo_at[0] = real_at[0] = 0
            await sequential(echo_tg, echo_flow, [uid], None)
            await sequential(real_tg, real_flow, [uid], app)
    await echo_tg.stop()
    await real_tg.stop()
    storage = "PostgreSQL" if pg else "SQLite"
    for name, steps in (("kiegram", real_steps), ("echo", echo_steps)):
        medians = " ".join(f"{statistics.median(v) * 1e6:.0f}" for _k, v in sorted(steps.items()))
        print(f"{name:<8} µs per step: {medians}")
    real, echo = per_update(real_steps), per_update(echo_steps)
    print(
        f"{storage}: kiegram {real * 1e6:.0f} µs, echo {echo * 1e6:.0f} µs per update — "
        f"{real / echo:.2f}x (goal 2x)"
    )


def main() -> None:
    """Parse flags, run, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of six flows each")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.pg, args.rounds))


if __name__ == "__main__":
    main()
