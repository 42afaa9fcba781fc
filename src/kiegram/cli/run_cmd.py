"""`kiegram run`: start the bot (polling, or webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from kiegram.errors import ConfigError


def register(subparsers: Any) -> None:
    """Add `run` (and `db upgrade`) to the parser."""
    run = subparsers.add_parser("run", help="start the bot")
    run.set_defaults(func=run_bot)
    db = subparsers.add_parser("db", help="database tasks")
    sub = db.add_subparsers(dest="db_command", required=True)
    sub.add_parser("upgrade", help="apply migrations").set_defaults(func=db_upgrade)


def run_bot(_args: argparse.Namespace) -> int:
    """Load settings, build the app, run until SIGINT/SIGTERM, then shut down cleanly."""
    from kiegram.settings import load_settings

    settings = load_settings()
    if not settings.bot_token:
        raise ConfigError("BOT_TOKEN is not set: get one from @BotFather and put it in .env")
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(_main(settings))
    return 0


async def _main(settings: Any) -> None:
    from kiegram.app import build_app, serve

    app = await build_app(settings)
    loop = asyncio.get_running_loop()
    server = asyncio.create_task(serve(app))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.cancel)
    try:
        await server
    except asyncio.CancelledError:
        logging.getLogger(__name__).info("stopping: finishing work in flight")
    finally:
        await app.aclose()


def db_upgrade(_args: argparse.Namespace) -> int:
    """Apply migrations to DATABASE_URL (or the SQLite file under DATA_DIR)."""
    from kiegram.settings import load_settings
    from kiegram.storage.db import upgrade

    asyncio.run(upgrade(load_settings().effective_database_url))
    print("database is up to date")
    return 0
