"""`kiegram report margin`: what users paid against what KIE charged, per model and day."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from typing import Any


def register(subparsers: Any) -> None:
    """Add `report margin` to the parser."""
    report = subparsers.add_parser("report", help="business reports from the bot's database")
    kinds = report.add_subparsers(dest="report", required=True)
    margin = kinds.add_parser(
        "margin", help="per model and day: users paid vs KIE charged, in KIE credits"
    )
    margin.add_argument("--days", type=int, default=30, help="the last N UTC days (30)")
    margin.add_argument("--csv", action="store_true", help="CSV instead of a table")
    margin.add_argument(
        "--by-model", action="store_true", help="one line per model for the whole period"
    )
    margin.set_defaults(func=run_margin)


def run_margin(args: argparse.Namespace) -> int:
    """Print the report (a ⚠ marks a model that cost more than users paid: free
    generations, or a price KIE raised)."""
    # Imported here so `kiegram --help` and other commands stay fast.
    from kiegram.billing.margins import as_csv, as_table, margins
    from kiegram.billing.quota import utc_today
    from kiegram.errors import ConfigError
    from kiegram.settings import load_settings
    from kiegram.storage.billing_repo import SqlBillingRepo
    from kiegram.storage.db import create_engine

    if args.days < 1:
        raise ConfigError("--days must be at least 1")
    settings = load_settings()

    async def rows() -> list[Any]:
        engine = create_engine(settings.effective_database_url)
        try:
            until = utc_today()
            since = until - timedelta(days=args.days - 1)
            return list(await SqlBillingRepo(engine).margin_rows(since, until))
        finally:
            await engine.dispose()

    per_unit, markup = settings.kie_credits_per_unit, settings.markup
    lines = margins(asyncio.run(rows()), per_unit, markup, not args.by_model)
    print(as_csv(lines) if args.csv else as_table(lines), end="" if args.csv else "\n")
    return 0
