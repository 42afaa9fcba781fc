"""Time to the first streamed token of a chat answer shown to the user (goal: < 150 ms).

Run: .venv/bin/python benchmarks/bench_chat.py [--messages 40] [--pg]
The whole bot from its composition root (long polling against the fake Telegram, the
sandbox KIE in place of KIE, SQLite or PostgreSQL), one funded user in the 💬 Chat section.
For each message: the clock starts when the user's message is queued for getUpdates and
stops when the bot's sendMessage with the answer's first piece reaches Telegram; the next
message is sent once the answer is finished. Prints the distribution; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from kit import FakeTelegram, FakeUser
from kit.databases import create_pg_database, drop_pg_database
from kit.ports import free_port

from kiegram.app import build_app
from kiegram.settings import Settings

GOAL_MS = 150.0
USER = 4242


def _first_piece(telegram: FakeTelegram, start: int) -> bool:
    return any(
        c.method == "sendmessage" and str(c.params.get("text", "")).endswith("▌")
        for c in telegram.calls[start:]
    )


def _finished(user: FakeUser, count: int) -> bool:
    return sum(1 for m in user.chat() if "<i>−" in str(m.get("text"))) >= count


async def measure(messages: int, database_url: str, data_dir: Path) -> list[float]:
    telegram = FakeTelegram()
    await telegram.start()
    port = free_port()
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        data_dir=data_dir,
        database_url=database_url,
        http_host="127.0.0.1",
        http_port=port,
        free_daily_generations=0,
    )
    app = await build_app(settings)
    polling = asyncio.create_task(
        app.dp.start_polling(app.bot, polling_timeout=1, handle_signals=False)
    )
    timings: list[float] = []
    try:
        user = telegram.user(USER)
        await app.desk.users.touch(USER, None, "ru")
        await app.desk.ledger.grant(USER, 100_000, "bench-grant", 1, "bench")
        await user.send("/chat")
        for n in range(1, messages + 1):
            start = len(telegram.calls)
            began = time.perf_counter()
            await user.send(f"Вопрос номер {n}: как дела?", wait=False)
            await telegram.wait_for(lambda s=start: _first_piece(telegram, s), timeout=10)  # type: ignore[misc]
            timings.append((time.perf_counter() - began) * 1000)
            await telegram.wait_for(lambda n=n: _finished(user, n), timeout=10)  # type: ignore[misc]
    finally:
        await app.dp.stop_polling()
        await polling
        await app.aclose()
        await telegram.stop()
    return timings


def report(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    median = statistics.median(ordered)
    print(
        f"{label}: {len(ordered)} answers; time to the first token shown: "
        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms "
        f"(goal < {GOAL_MS:.0f} ms: {'met' if p95 < GOAL_MS else 'NOT met'} at p95)"
    )


async def main(args: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        if args.pg:
            url = await create_pg_database("kiegram_bench_chat")
            try:
                report("PostgreSQL", await measure(args.messages, url, data_dir))
            finally:
                await drop_pg_database(url)
        else:
            url = f"sqlite+aiosqlite:///{data_dir / 'bench.sqlite3'}"
            report("SQLite", await measure(args.messages, url, data_dir))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--pg", action="store_true", help="on PostgreSQL instead of SQLite")
    asyncio.run(main(parser.parse_args()))
