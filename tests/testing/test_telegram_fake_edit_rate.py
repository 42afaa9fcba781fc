"""The Bot API stand-in enforces Telegram's edit rate when asked: a second edit in a chat
sooner than `edit_interval` is refused with 429 and recorded; other chats are not slowed."""

from __future__ import annotations

import asyncio

import httpx
from kit import FakeTelegram


async def test_edits_faster_than_the_interval_are_refused() -> None:
    server = FakeTelegram()
    server.edit_interval = 0.2
    base = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"{base}/bot{server.token}") as http:

            async def call(method: str, **params: object) -> httpx.Response:
                return await http.post(f"/{method}", json=params)

            async def edit(chat_id: int, message_id: int, text: str) -> httpx.Response:
                return await call(
                    "editMessageText", chat_id=chat_id, message_id=message_id, text=text
                )

            sent = (await call("sendMessage", chat_id=1, text="a")).json()["result"]
            other = (await call("sendMessage", chat_id=2, text="a")).json()["result"]
            first = await edit(1, sent["message_id"], "b")
            fast = await edit(1, sent["message_id"], "c")
            elsewhere = await edit(2, other["message_id"], "b")
            await asyncio.sleep(0.25)
            later = await edit(1, sent["message_id"], "d")
        assert first.status_code == 200 and elsewhere.status_code == 200
        assert fast.status_code == 429
        assert fast.json()["parameters"] == {"retry_after": 1}
        assert later.status_code == 200
        assert [c.params["text"] for c in server.too_fast] == ["c"]
        assert server.messages[(1, sent["message_id"])]["text"] == "d"
    finally:
        await server.stop()
