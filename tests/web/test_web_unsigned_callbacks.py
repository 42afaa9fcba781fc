"""Without a webhook key a callback is not verified: a task is read at most once per period."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from kit.ports import free_port

from kiegram.ops.checks import check_callback_key
from kiegram.settings import Settings
from kiegram.web.kie_callback import KieCallbacks


async def test_unsigned_callbacks_read_each_task_once_per_period() -> None:
    asked: list[str] = []
    now = [100.0]

    async def complete(task_id: str, _job: str | None) -> None:
        asked.append(task_id)

    callbacks = KieCallbacks(complete, None, unsigned_every=30.0, clock=lambda: now[0])
    app = web.Application()
    app.router.add_post("/kie/callback", callbacks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}/kie/callback"
    try:
        async with aiohttp.ClientSession() as http:

            async def post(task_id: str) -> int:
                body = {"code": 200, "data": {"taskId": task_id}}
                async with http.post(url, json=body) as reply:
                    return reply.status

            statuses = [await post("t-1") for _ in range(200)]
            statuses.append(await post("t-2"))
            await callbacks.drain()
            assert set(statuses) == {200}
            assert asked == ["t-1", "t-2"] and callbacks.throttled == 199
            now[0] += 31  # a period later the task may be read again
            await post("t-1")
            await callbacks.drain()
            assert asked == ["t-1", "t-2", "t-1"]
    finally:
        await runner.cleanup()
    await asyncio.sleep(0)


def test_doctor_warns_when_callbacks_are_unsigned() -> None:
    settings = Settings(bot_token="1:" + "a" * 35, public_url="https://bot.example")  # type: ignore[call-arg]
    result = check_callback_key(settings)
    assert not result.ok and not result.fatal
    assert "KIE_WEBHOOK_KEY is empty" in result.detail and "not verified" in result.detail
