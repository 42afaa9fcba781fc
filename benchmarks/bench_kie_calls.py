"""KIE requests per job on the callback path and on the polling path, counted at the client.

Run on its own: .venv/bin/python benchmarks/bench_kie_calls.py [--jobs N] [--delay S]
(bench_memory.py prints the same figures.) Jobs go through the real JobService, SqlJobStore
on SQLite and KieClient against the sandbox; an httpx transport counts every request by
kind (create, status, download, other). Delivery and settlement are stubs: only KIE traffic
is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
from collections import Counter
from pathlib import Path

import httpx
import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from aiohttp import web
from kit.ports import free_port

from kiegram.catalog import load_catalog
from kiegram.jobs import Job, JobService, Poller, ResultFile
from kiegram.kie import KieClient
from kiegram.sandbox import start_sandbox
from kiegram.storage.db import create_engine, upgrade
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.web.app import build_web_app

PROMPT = {"prompt": "a red fox in the snow", "aspect_ratio": "1:1"}


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts requests by kind, then sends them on."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count, forward."""
        path = request.url.path
        kind = "other"
        if path.endswith(("createTask", "/generate")):
            kind = "create"
        elif "record" in path:
            kind = "status"
        elif request.method == "GET":
            kind = "download"
        self.counts[kind] += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


class Done:
    """Delivery and settlement stubs that only note finished jobs."""

    def __init__(self, expected: int) -> None:
        self.finished: set[str] = set()
        self.expected = expected
        self.all_done = asyncio.Event()

    def _note(self, job: Job) -> None:
        self.finished.add(job.id)
        if len(self.finished) >= self.expected:
            self.all_done.set()

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Note the job."""
        self._note(job)

    async def fail(self, job: Job) -> None:
        """Note the job."""
        self._note(job)

    async def capture(self, job: Job) -> None:
        """Nothing to settle here."""

    async def release(self, job: Job) -> None:
        """Nothing to settle here."""

    async def resolve(self, ref: str) -> str:
        """Media refs pass through (text-to-image jobs have none)."""
        return ref


async def run_path(jobs: int, delay: float, callbacks: bool, tmp: Path) -> Counter[str]:
    """Submit `jobs` image jobs and wait for all; returns the KIE requests by kind."""
    url = f"sqlite+aiosqlite:///{tmp / ('cb' if callbacks else 'poll')}.sqlite3"
    await upgrade(url)
    engine = create_engine(url)
    sandbox = await start_sandbox(catalog=load_catalog(), delay=delay)
    transport, done, port = CountingTransport(), Done(jobs), free_port()
    kie = KieClient(
        "sandbox-key",
        base_url=sandbox.base_url,
        upload_base_url=sandbox.base_url,
        transport=transport,
    )
    service = JobService(
        SqlJobStore(engine),
        kie,
        load_catalog(),
        done,
        done,
        done,
        callback_url=f"http://127.0.0.1:{port}/kie/callback" if callbacks else None,
    )
    runner = web.AppRunner(build_web_app(complete=service.complete), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    poller = asyncio.create_task(Poller(service).run(stop))
    try:
        for i in range(jobs):
            await service.submit("z-image", PROMPT, user_id=i + 1, chat_id=i + 1)
        await asyncio.wait_for(done.all_done.wait(), timeout=120 + delay)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await runner.cleanup()
        await kie.aclose()
        await sandbox.close()
        await engine.dispose()
    return transport.counts


async def kie_calls(jobs: int, delay: float) -> dict[str, Counter[str]]:
    """Requests by kind on both paths."""
    with tempfile.TemporaryDirectory() as tmp:
        return {
            "callback": await run_path(jobs, delay, True, Path(tmp)),
            "polling": await run_path(jobs, delay, False, Path(tmp)),
        }


def main() -> None:
    """Print requests per job on both paths."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--delay", type=float, default=10.0, help="sandbox seconds per task")
    args = parser.parse_args()
    for path, counts in asyncio.run(kie_calls(args.jobs, args.delay)).items():
        per = ", ".join(f"{k} {v / args.jobs:.2f}" for k, v in sorted(counts.items()))
        print(f"{path:<9} {sum(counts.values()) / args.jobs:5.2f} calls/job  ({per})")


if __name__ == "__main__":
    main()
