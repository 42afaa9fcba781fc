"""The Telegram webhook route, answered only once the update is handled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from kiegram.scale.dedup import BUSY, UpdateDedup
from kiegram.scale.update_body import read_update

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
# In the data of every update that came by webhook: a method a middleware returns may ride
# in the webhook's reply instead of a Bot API call (`bot.middlewares.AnswerFirst`).
REPLY_ALLOWED = "webhook_reply_allowed"
Refused = Callable[[str], None]  # counts a refused body by reason (`Metrics.webhook_refused`)


class UpdateRequestHandler(SimpleRequestHandler):
    """aiogram's handler, but a body that is no update it can handle is refused (4xx) or
    acknowledged (200), never answered 500: Telegram would re-send it forever."""

    def __init__(self, *args: Any, refused: Refused | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = refused

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        body = read_update(await request.read())
        if body.update is None:
            return self._refuse(body.refused, body.update_id, request)
        try:
            update = Update.model_validate(body.update, context={"bot": bot})
            update.event_type  # noqa: B018  (an update type newer than aiogram raises here)
        except ValidationError:
            return self._refuse("invalid", body.update_id, request)
        except UpdateTypeLookupError:
            return self._refuse("unknown_type", body.update_id, request)
        feed = self.dispatcher.feed_webhook_update
        busy: list[str] = []
        data: dict[str, Any] = {**self.data, BUSY: busy}
        result: TelegramMethod[Any] | None = await feed(bot, update, **data)
        if busy:  # being handled by another instance (or a dead one): Telegram re-sends it
            return web.json_response({"ok": False, "reason": "busy"}, status=409)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    def _refuse(self, reason: str, update_id: int | None, request: web.Request) -> web.Response:
        """Log and count once; an update with an id is acknowledged, so it is not re-sent."""
        log.warning(
            "webhook body refused (%s), update %s from %s", reason, update_id, request.remote
        )
        if self._refused is not None:
            self._refused(reason)
        if update_id is None:
            return web.json_response({"ok": False, "reason": reason}, status=400)
        return web.json_response({})


def mount_webhook(
    web_app: web.Application,
    dp: Dispatcher,
    bot: Bot,
    secret: str | None,
    path: str = WEBHOOK_PATH,
    refused: Refused | None = None,
) -> None:
    """Serve updates at `path`; the reply waits for the handler (not in the background).

    Telegram only retries an update that was not answered with 200, so answering after the
    handler means an instance dying mid-update gets it re-sent (to a live instance), and the
    update gate keeps a retry of a handled update from running twice. A handler that raised
    still answers 200: the user got an apology (`bot.routers.errors`), and a retry would
    repeat it. A body that is no update is refused before any handler (`UpdateRequestHandler`).
    """
    for middleware in dp.update.outer_middleware:
        if isinstance(middleware, UpdateDedup):
            middleware.active = True  # webhooks get updates twice: the gate is needed now
    handler = UpdateRequestHandler(
        dp,
        bot,
        secret_token=secret or None,
        handle_in_background=False,
        refused=refused,
        **{REPLY_ALLOWED: True},
    )
    handler.register(web_app, path=path)
