"""Delivering big results: memory and time, kiegram's streamed path against a plain baseline.

Run: .venv/bin/python benchmarks/bench_delivery.py [--files 10] [--mb 50]
- A child process serves the sandbox KIE (each result a file of --mb MB, written out in
  pieces) and the fake Telegram (it reads each upload streamed and keeps none of it), so the
  figures below are this process's alone.
- kiegram: --files video results delivered at once by `TelegramDelivery` (the app's object:
  size by HEAD, over 20 MB so no URL send, spooled under a temporary DATA_DIR in 256 KB
  chunks and uploaded from the spooled file while it is written, the files removed), from
  KIE's success to the last byte Telegram accepted.
- baseline: the same files by plain aiohttp, each downloaded whole (`read()`) and posted as
  a multipart form from memory, all at once.
- Then one file alone each way: the per-file overhead beyond the transfer itself.
RSS is sampled every 5 ms from /proc/self/statm; growth is the peak over the RSS at the
phase's start. Goals: RSS growth < 100 MB whatever the size; overhead < 300 ms per file.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from kit import FakeTelegram

from kiegram.bot.delivery import TelegramDelivery
from kiegram.bot.session import BotApiSession
from kiegram.bot.spool import Spool
from kiegram.bot.transfers import Transfers
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.jobs import Job
from kiegram.jobs.finisher import results_of
from kiegram.jobs.model import utcnow
from kiegram.kie import KieClient
from kiegram.sandbox import SANDBOX_KEY, start_sandbox

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
CHAT = 77
MODEL = "kling/v2-1-standard"


# -- the servers, in a process of their own ------------------------------------------------


def serve(size: int, count: int, pipe: Connection) -> None:
    """The sandbox with `count` results of `size` bytes, and the fake Telegram."""
    asyncio.run(_serve(size, count, pipe))


async def _serve(size: int, count: int, pipe: Connection) -> None:
    telegram = FakeTelegram()
    telegram.keep_bytes = 0
    await telegram.start()
    sandbox = await start_sandbox(result_size=size)
    urls = [sandbox.kie._store_result(f"bench/{n}", "video") for n in range(count)]
    pipe.send((telegram.base_url, telegram.token, sandbox.base_url, urls))
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # until told to stop
    pipe.send(sum(sum(c.sizes.values()) for c in telegram.calls))
    await sandbox.close()
    await telegram.stop()


# -- measuring -----------------------------------------------------------------------------


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakRss:
    """The peak RSS growth while the block runs, sampled every 5 ms by a thread."""

    def __init__(self) -> None:
        self.start = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self.start = self.peak = rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / MB


async def timed(jobs: list[Callable[[], Awaitable[object]]]) -> tuple[float, list[float]]:
    """Run `jobs` at once: the time to the last one's end, and each one's own time."""

    async def one(job: Callable[[], Awaitable[object]]) -> float:
        began = time.perf_counter()
        await job()
        return time.perf_counter() - began

    began = time.perf_counter()
    each = await asyncio.gather(*(one(job) for job in jobs))
    return time.perf_counter() - began, list(each)


# -- the two ways --------------------------------------------------------------------------


def job_for(url: str) -> Job:
    return Job(
        user_id=CHAT,
        chat_id=CHAT,
        model_id=MODEL,
        api="market",
        output="video",
        payload={"prompt": "a fox"},
        cost=Decimal(10),
        deadline_at=utcnow() + timedelta(minutes=10),
        lang="en",
        result_urls=(url,),
    )


async def kiegram_way(
    telegram: str, token: str, kie_base: str, urls: list[str], spool: Spool, limit: int
) -> tuple[float, list[float]]:
    kie = KieClient(SANDBOX_KEY, base_url=kie_base, upload_base_url=kie_base)
    api = TelegramAPIServer.from_base(telegram)
    bot = Bot(
        token, session=BotApiSession(api=api), default=DefaultBotProperties(parse_mode="HTML")
    )
    delivery = TelegramDelivery(
        bot, load_translator(), load_catalog(), None, None, None, Transfers(kie, spool, limit)
    )
    jobs = [job_for(url) for url in urls]
    try:
        return await timed([lambda j=j: delivery.deliver(j, results_of(j)) for j in jobs])
    finally:
        await bot.session.close()
        await kie.aclose()


async def baseline_way(telegram: str, token: str, urls: list[str]) -> tuple[float, list[float]]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=900)) as http:

        async def deliver(url: str) -> None:
            async with http.get(url) as response:
                data = await response.read()
            form = aiohttp.FormData()
            form.add_field("chat_id", str(CHAT))
            form.add_field("video", data, filename="result.mp4")
            async with http.post(f"{telegram}/bot{token}/sendVideo", data=form) as sent:
                await sent.read()

        return await timed([lambda u=u: deliver(u) for u in urls])


async def main(files: int, size_mb: int) -> None:
    size = size_mb * MB
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(size, files, child), daemon=True
    )
    server.start()
    telegram, token, kie_base, urls = parent.recv()
    limit = max(size, 50 * MB)
    print(f"{files} video results of {size_mb} MB each, delivered at once (limit {limit // MB} MB)")
    with tempfile.TemporaryDirectory() as data_dir:
        spool = Spool(Path(data_dir) / "spool")
        rows = []
        with PeakRss() as ours:
            ours_total, ours_each = await kiegram_way(telegram, token, kie_base, urls, spool, limit)
        left = len(spool.leftovers())
        with PeakRss() as base:
            base_total, base_each = await baseline_way(telegram, token, urls)
        rows.append(("kiegram (spooled, streamed)", ours, ours_total, ours_each))
        rows.append(("baseline (aiohttp read + post)", base, base_total, base_each))
        print(f"{'way':32} {'RSS growth':>12} {'to last byte':>13} {'per file, mean':>15}")
        for name, peak, total, each in rows:
            print(
                f"{name:32} {peak.growth_mb:10.1f} MB {total:11.2f} s "
                f"{statistics.mean(each):13.2f} s"
            )
        print(f"spooled files made {spool.created}, left after delivery {left}")
        one_ours = min(
            [
                (await kiegram_way(telegram, token, kie_base, urls[:1], spool, limit))[0]
                for _ in range(3)
            ]
        )
        one_base = min([(await baseline_way(telegram, token, urls[:1]))[0] for _ in range(3)])
    overhead = (ours_total - base_total) / files
    print(
        f"one file alone, best of 3: kiegram {one_ours * 1000:.0f} ms, baseline "
        f"{one_base * 1000:.0f} ms: overhead {(one_ours - one_base) * 1000:+.0f} ms per file"
    )
    print(
        f"{files} at once: overhead {overhead * 1000:+.0f} ms per file (total difference / files)"
    )
    print("goals: RSS growth < 100 MB whatever the size; overhead < 300 ms per file")
    parent.send("stop")
    received = parent.recv()
    print(f"the fake Telegram received {received / MB:.0f} MB in all")
    server.join(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.files, args.mb)))
