"""FakeTelegram in webhook mode: updates are POSTed to one or several bot instances."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from kit.telegram_fake import TOKEN, FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One POST of an update: where it went and the HTTP status (None: no connection)."""

    update_id: int
    url: str
    status: int | None
    at: float = field(default_factory=time.monotonic)  # when the answer came
    took: float = 0.0  # seconds the POST took


class WebhookTelegram(FakeTelegram):
    """Posts each update to a webhook URL like Telegram does, retrying elsewhere on failure.

    `route` is "round_robin" (each update to the next URL, as a load balancer would) or
    "pinned" (a user's updates always go to the same URL while it answers). An update that
    is not answered with 200 is re-sent to the next URL until `retry_for` seconds pass.
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        secret: str = "",
        route: str = "round_robin",
        first_update_id: int = 1,
        retry_for: float = 30.0,
        post_timeout: float = 60.0,
    ) -> None:
        super().__init__(token)
        if route not in ("round_robin", "pinned"):
            raise ValueError(f"unknown route {route!r}")
        self.secret = secret
        self.route = route
        self.retry_for = retry_for
        self.urls: list[str] = []
        self.sent: dict[int, dict[str, Any]] = {}
        self.deliveries: list[Delivery] = []
        self._update_ids = itertools.count(first_update_id)
        self._turn = itertools.count()
        self._pending: dict[int, asyncio.Task[str]] = {}
        self._timeout = aiohttp.ClientTimeout(total=post_timeout)
        self._http: aiohttp.ClientSession | None = None

    def set_webhooks(self, urls: list[str]) -> None:
        """The bot instances' webhook URLs (full URLs, path included)."""
        self.urls = list(urls)

    async def stop(self) -> None:
        """Stop serving and drop deliveries still in flight."""
        for task in self._pending.values():
            task.cancel()
        await asyncio.gather(*self._pending.values(), return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        await super().stop()

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Send an update to a webhook (in the background); returns its update_id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        self.sent[update_id] = update
        self._pending[update_id] = asyncio.create_task(self._deliver(update))
        return update_id

    async def wait_consumed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until some instance answered the update with 200 (it was handled)."""
        await asyncio.wait_for(asyncio.shield(self._pending[update_id]), timeout)

    async def resend(self, update_id: int, url: str) -> int | None:
        """Post an already delivered update again to `url` (a Telegram retry); its status."""
        return await self.post(url, self.sent[update_id])

    def handled_by(self, update_id: int) -> str:
        """The URL that answered the update with 200."""
        return self._pending[update_id].result()

    async def post(self, url: str, update: dict[str, Any]) -> int | None:
        """One POST of `update` to `url`, recorded in `deliveries`."""
        if self._http is None:
            # No keep-alive: a new connection per update, so a dead instance refuses at once.
            connector = aiohttp.TCPConnector(force_close=True)
            self._http = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        began = time.monotonic()
        try:
            async with self._http.post(url, json=update, headers=headers) as reply:
                answer = await reply.read()
                status: int | None = reply.status
                if status == 200:
                    await self.run_webhook_reply(answer, reply.headers)
        except (aiohttp.ClientError, TimeoutError):
            status = None
        took = time.monotonic() - began
        self.deliveries.append(Delivery(update["update_id"], url, status, took=took))
        return status

    def _first_target(self, update: dict[str, Any]) -> int:
        if self.route == "pinned":
            return _sender(update) % len(self.urls)
        return next(self._turn) % len(self.urls)

    async def _deliver(self, update: dict[str, Any]) -> str:
        if not self.urls:
            raise RuntimeError("set_webhooks() first")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_for
        start = self._first_target(update)
        for attempt in itertools.count():
            url = self.urls[(start + attempt) % len(self.urls)]
            if await self.post(url, update) == 200:
                return url
            if loop.time() > deadline:
                raise TimeoutError(f"update {update['update_id']} was never accepted")
            # Telegram backs off between retries; a short pause keeps tests quick.
            await asyncio.sleep(min(0.05 * (attempt + 1), 0.5))
        raise AssertionError("unreachable")


def _sender(update: dict[str, Any]) -> int:
    """The user an update comes from (0 when it has none)."""
    for value in update.values():
        if isinstance(value, dict):
            user = value.get("from") or {}
            if isinstance(user, dict) and "id" in user:
                return int(user["id"])
    return 0
