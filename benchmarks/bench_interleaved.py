"""CPU per update, the real bot and the echo bot taking turns.

Run: .venv/bin/python benchmarks/bench_interleaved.py [--pg] [--redis | --shared] [--rounds N]
`bench_e2e.py` runs each bot's phases one after the other; on a noisy machine CPU time can
drift between them. Here both bots are up at once (each in its own process on its own
`LoadTelegram`, KIE the sandbox in its own process, as in `bench_e2e`) and flows alternate:
one echo flow, one kiegram flow (its result delivered and settled before the next),
`--rounds` x 6 times, after three warm-up flows each. An update's CPU is what the bot's
process spent on its webhook request (the bot's answer says; as in `bench_e2e`, without
aiohttp's reading of the request head and writing of the answer, alike for both bots).
Prints the median CPU per step of the flow for both, the mean of those medians per update,
and their ratio. Asserts nothing.

With `--profile PATH` each bot profiles its webhook requests (cProfile, CPU time) into
`PATH.kiegram` and `PATH.echo`, and the run also prints the Python function calls per
update of each: a count that, unlike CPU time on a shared machine, repeats from run to run
(the profiler slows both bots, so their CPU figures are not comparable with a plain run's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import pstats
import statistics
from pathlib import Path

import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from e2e_bots import echo_bot, kiegram_bot, pg_database, redis_prefix
from e2e_flows import echo_flow, real_flow, sequential
from kit.load import LoadTelegram, Samples

Steps = dict[int, list[float]]


def record(steps: Steps, flow: Samples) -> None:
    """File one flow's per-update CPU by the update's position in the flow (a flow with an
    update that failed or went unanswered is left out: its positions would shift)."""
    if flow.errors or len(flow.cpu) != len(flow.wall):
        return
    for index, cpu in enumerate(flow.cpu):
        steps.setdefault(index, []).append(cpu)


def per_update(steps: Steps) -> float:
    """Mean over the flow's steps of each step's median CPU seconds."""
    return statistics.fmean(statistics.median(v) for v in steps.values())


async def measure(pg: bool, redis: bool, shared: bool, rounds: int) -> tuple[Steps, Steps]:
    """Both bots up, flows alternating: kiegram's and echo's CPU per step of the flow."""
    echo_tg, real_tg = LoadTelegram(), LoadTelegram()
    await echo_tg.start()
    await real_tg.start()
    async with contextlib.AsyncExitStack() as stack:
        echo = await stack.enter_async_context(echo_bot(echo_tg))
        url = await stack.enter_async_context(pg_database()) if pg else ""
        prefix = await stack.enter_async_context(redis_prefix()) if redis else ""
        real = await stack.enter_async_context(kiegram_bot(real_tg, url, prefix, shared))
        users = list(range(50_000, 50_003 + rounds * 6))
        await real.fund(users)
        await sequential(echo_tg, echo_flow, users[:3], echo)
        await sequential(real_tg, real_flow, users[:3], real)
        echo_steps: Steps = {}
        real_steps: Steps = {}
        for uid in users[3:]:
            record(echo_steps, await sequential(echo_tg, echo_flow, [uid], echo))
            record(real_steps, await sequential(real_tg, real_flow, [uid], real))
    await echo_tg.stop()
    await real_tg.stop()
    return real_steps, echo_steps


def calls_per_update(path: str) -> float:
    """Python function calls per webhook request in a bot's profile (`--profile`)."""
    requests = int(Path(f"{path}.count").read_text())
    return pstats.Stats(path).total_calls / max(requests, 1)  # type: ignore[attr-defined]


def print_calls(path: str) -> None:
    """The two bots' function calls per update, from their profiles."""
    mine, base = calls_per_update(f"{path}.kiegram"), calls_per_update(f"{path}.echo")
    print(f"function calls per update: kiegram {mine:.0f}, echo {base:.0f} — {mine / base:.2f}x")


async def run(pg: bool, redis: bool, shared: bool, rounds: int) -> None:
    """Measure, then print the table."""
    real_steps, echo_steps = await measure(pg, redis, shared, rounds)
    storage = ("PostgreSQL" if pg else "SQLite") + (" + Redis" if redis else "")
    storage += ", shared without Redis" if shared and not redis else ""
    for name, steps in (("kiegram", real_steps), ("echo", echo_steps)):
        medians = " ".join(f"{statistics.median(v) * 1e6:.0f}" for _k, v in sorted(steps.items()))
        print(f"{name:<8} µs per step: {medians}")
    mine, base = per_update(real_steps), per_update(echo_steps)
    print(
        f"{storage}: kiegram {mine * 1e6:.0f} µs, echo {base * 1e6:.0f} µs per update — "
        f"{mine / base:.2f}x (goal 1.5x)"
    )


def main() -> None:
    """Parse flags, run, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--redis", action="store_true", help="with Redis (conversations, the update gate)"
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="as one of several instances sharing the database without Redis (else the only one)",
    )
    parser.add_argument("--rounds", type=int, default=6, help="rounds of six flows each")
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="profile both bots' webhook requests (cProfile) into PATH.kiegram and PATH.echo",
    )
    args = parser.parse_args()
    if args.profile:
        os.environ["BENCH_PROFILE"] = args.profile  # the bot processes inherit it
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.pg, args.redis, args.shared, args.rounds))
    if args.profile:
        print_calls(args.profile)


if __name__ == "__main__":
    main()
