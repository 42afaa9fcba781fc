"""The Telegram webhook route, answered only once the update is handled."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from kiegram.scale.dedup import UpdateDedup

WEBHOOK_PATH = "/telegram/webhook"
# In the data of every update that came by webhook: a method a middleware returns may ride
# in the webhook's reply instead of a Bot API call (`bot.middlewares.AnswerFirst`).
REPLY_ALLOWED = "webhook_reply_allowed"


def mount_webhook(
    web_app: web.Application, dp: Dispatcher, bot: Bot, secret: str | None, path: str = WEBHOOK_PATH
) -> None:
    """Serve updates at `path`; the reply waits for the handler (not in the background).

    Telegram only retries an update that was not answered with 200, so answering after the
    handler means an instance dying mid-update gets it re-sent (to a live instance), and the
    update gate keeps a retry of a handled update from running twice. A handler that raised
    still answers 200: the user got an apology (`bot.routers.errors`), and a retry would
    repeat it.
    """
    for middleware in dp.update.outer_middleware:
        if isinstance(middleware, UpdateDedup):
            middleware.active = True  # webhooks get updates twice: the gate is needed now
    handler = SimpleRequestHandler(
        dp, bot, secret_token=secret or None, handle_in_background=False, **{REPLY_ALLOWED: True}
    )
    handler.register(web_app, path=path)
