"""`kiegram prices check`: KIE's public price feed against the one last seen and the catalog."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add `prices check` to the parser."""
    prices = subparsers.add_parser("prices", help="KIE's price feed against the catalog")
    kinds = prices.add_subparsers(dest="prices", required=True)
    check = kinds.add_parser(
        "check", help="print what moved in KIE's price feed since the last check"
    )
    check.add_argument("--feed", type=Path, help="a recorded feed (JSON) instead of KIE's")
    check.add_argument(
        "--no-save", action="store_true", help="keep the saved feed as it is (compare only)"
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Print one line per changed, new or gone row; exit 1 when anything moved."""
    # Imported here so `kiegram --help` and other commands stay fast.
    import httpx

    from kiegram.catalog import load_catalog
    from kiegram.catalog.price_feed import load_feed
    from kiegram.kie.price_feed import fetch_price_feed
    from kiegram.ops.price_watch import FEED_FILE, PriceWatch
    from kiegram.settings import load_settings

    settings = load_settings()

    async def fetch() -> list[Any]:
        if args.feed is not None:
            rows = load_feed(args.feed.read_text(encoding="utf-8"))
            return [
                {
                    "modelDescription": r.description,
                    "creditPrice": str(r.credits),
                    "creditUnit": r.unit,
                }
                for r in rows.values()
            ]
        async with httpx.AsyncClient(timeout=30.0) as http:
            return await fetch_price_feed(http, settings.kie_base_url)

    watch = PriceWatch(fetch, settings.data_dir / FEED_FILE, load_catalog())
    count, found = asyncio.run(watch.check(save=not args.no_save))
    if found is None:
        print(f"{count} rows saved as the first feed seen ({watch.path}); the next check compares")
        return 0
    for line in found:
        print(line)
    print(f"{len(found)} changes in {count} rows" if found else f"no changes ({count} rows)")
    return 1 if found else 0
