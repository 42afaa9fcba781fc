"""`kiegram doctor`: check the settings and every service the bot needs, one line each."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def register(subparsers: Any) -> None:
    """Add `doctor` to the parser."""
    doctor = subparsers.add_parser(
        "doctor", help="check settings, Telegram, KIE, the database and Redis"
    )
    doctor.set_defaults(func=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    """Print one line per check; exit 1 when any check failed."""
    # Imported here so `kiegram --help` and other commands stay fast.
    from kiegram.ops.doctor import report, run_checks
    from kiegram.settings import load_settings

    settings = load_settings()
    results = asyncio.run(run_checks(settings))
    return 0 if report(results) else 1
