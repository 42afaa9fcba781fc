"""The whole bot with KIE callbacks reaching its HTTP server, for journey tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from kit import FakeTelegram, FakeUser
from kit.databases import migrated_data_dir
from kit.ports import free_port

from kiegram.app import App, build_app
from kiegram.jobs import Job
from kiegram.settings import Settings

ADMIN = 999
STARS_PACK = "5000 кр. — 2100 ⭐"  # the dearest default pack: covers any model's quote
STARS_UNITS = 5000


@asynccontextmanager
async def started(telegram: FakeTelegram, data_dir: Path, **overrides: Any) -> AsyncIterator[App]:
    """The bot from its composition root, polling, with its web server up; stopped on exit."""
    port = free_port()
    settings = Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        data_dir=await migrated_data_dir(data_dir),
        http_host="127.0.0.1",
        http_port=port,
        public_url=f"http://127.0.0.1:{port}",
        admin_ids=(ADMIN,),
        **overrides,
    )
    app = await build_app(settings)
    runner = web.AppRunner(app.web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    app.stack.push_async_callback(runner.cleanup)
    poller = asyncio.create_task(app.poller.run(app.stop))
    polling = asyncio.create_task(
        app.dp.start_polling(
            app.bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False
        )
    )
    try:
        yield app
    finally:
        await app.dp.stop_polling()
        await polling
        poller.cancel()
        await app.aclose()


def calls_to(telegram: FakeTelegram, user: FakeUser, method: str) -> list[Any]:
    """The bot's Bot API calls of `method` to the user's chat."""
    return [
        c
        for c in telegram.calls
        if c.method == method and str(c.params.get("chat_id")) == str(user.id)
    ]


async def settled(app: App, job_id: str) -> Job:
    """The job once it is final."""
    for _ in range(400):
        job = await app.jobs.store.get(job_id)
        if job is not None and job.state.final:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still in flight")


async def top_up_with_stars(telegram: FakeTelegram, user: FakeUser) -> None:
    """An ordinary user's first step: /balance, the 5000-unit pack, a Stars checkout."""
    await user.send("/balance")
    await user.click(STARS_PACK)
    invoice = calls_to(telegram, user, "sendinvoice")[-1]
    assert invoice.params["currency"] == "XTR"
    stars = int(invoice.params["prices"][0]["amount"])
    await user.pay(str(invoice.params["payload"]), stars, f"charge-{user.id}")
    assert f"+{STARS_UNITS} кр." in user.last_text(), user.last_text()


def quoted(confirm_text: str) -> int | None:
    """The price a confirm screen quoted, in units (None when it names none)."""
    found = re.search(r"Стоимость: <b>(\d+) кр\.</b>", confirm_text)
    return int(found.group(1)) if found else None
