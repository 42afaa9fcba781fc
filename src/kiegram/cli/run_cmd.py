"""`kiegram run`: start the bot (polling, or webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from kiegram.errors import ConfigError

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add `run` (and `db upgrade`) to the parser."""
    run = subparsers.add_parser("run", help="start the bot")
    run.add_argument("--skip-checks", action="store_true", help="do not run the doctor first")
    run.set_defaults(func=run_bot)
    db = subparsers.add_parser("db", help="database tasks")
    sub = db.add_subparsers(dest="db_command", required=True)
    sub.add_parser("upgrade", help="apply migrations").set_defaults(func=db_upgrade)


def run_bot(args: argparse.Namespace) -> int:
    """Load settings, check them, build the app, run until SIGINT/SIGTERM, stop cleanly."""
    from kiegram.ops.logging import setup_logging
    from kiegram.ops.redaction import register_settings_secrets
    from kiegram.ops.startup import check_data_dir, check_port
    from kiegram.settings import load_settings

    settings = load_settings()
    if not settings.bot_token:
        raise ConfigError("BOT_TOKEN is not set: get one from @BotFather and put it in .env")
    register_settings_secrets(settings)
    # The operator's mistakes first, before anything is built or logged: each stops
    # start-up with one line alone on the terminal.
    check_data_dir(settings.data_dir)
    check_port(settings.http_host, settings.http_port)
    asyncio.run(check_database_setting(settings))
    setup_logging(settings.log_level, settings.log_format)
    asyncio.run(_main(settings, checks=not args.skip_checks))
    return 0


async def _main(settings: Any, checks: bool) -> None:
    from kiegram.app import build_app, serve
    from kiegram.ops.doctor import preflight
    from kiegram.storage.db import upgrade

    await upgrade(settings.effective_database_url)
    if checks:
        await preflight(settings, out=log.info)
    app = await build_app(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, app.begin_shutdown)
    try:
        await serve(app)
    finally:
        log.info("stopping: finishing work in flight, releasing job leases")
        await app.aclose()


async def check_database_setting(settings: Any) -> None:
    """Connect once before migrating: a wrong URL is one line naming the setting."""
    from kiegram.ops.startup_db import check_database

    setting = "DATABASE_URL" if settings.database_url else "DATA_DIR"
    await check_database(settings.effective_database_url, setting)


def db_upgrade(_args: argparse.Namespace) -> int:
    """Apply migrations to DATABASE_URL (or the SQLite file under DATA_DIR)."""
    from kiegram.settings import load_settings
    from kiegram.storage.db import upgrade

    settings = load_settings()

    async def migrate() -> None:
        await check_database_setting(settings)
        await upgrade(settings.effective_database_url)

    asyncio.run(migrate())
    print("database is up to date")
    return 0
