"""Watching KIE's price feed: each fresh feed against the last one seen, a line per change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from kiegram.catalog import Catalog
from kiegram.catalog.price_feed import FeedRow, changes, dump_feed, load_feed, report, rows_from
from kiegram.kie.errors import KieError
from kiegram.ops.alerts import Alerter

log = logging.getLogger(__name__)

FEED_FILE = "price_feed.json"  # under DATA_DIR: the feed as last seen
DAY = 24 * 3600.0
ALERT_LINES = 15

Fetch = Callable[[], Awaitable[list[Any]]]


class PriceWatch:
    """Reads the feed, compares it with the saved one, saves the fresh one."""

    def __init__(self, fetch: Fetch, path: Path, catalog: Catalog) -> None:
        self._fetch = fetch
        self.path = path
        self._catalog = catalog

    def saved(self) -> dict[str, FeedRow] | None:
        """The feed as last seen, None before the first check."""
        if not self.path.is_file():
            return None
        return load_feed(self.path.read_text(encoding="utf-8"))

    async def check(self, save: bool = True) -> tuple[int, list[str] | None]:
        """(rows in the fresh feed, a line per change); None for the lines on a first check
        (the fresh feed becomes the baseline)."""
        fresh = rows_from(await self._fetch())
        before = self.saved()
        found = (
            None if before is None else report(changes(before, fresh, self._catalog), self._catalog)
        )
        if save or before is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(dump_feed(fresh), encoding="utf-8")
        return len(fresh), found


async def watch_prices(
    watch: PriceWatch,
    alerter: Alerter,
    exclusive: Callable[[Callable[[], Awaitable[None]]], Awaitable[Any]],
    interval: float = DAY,
    first_delay: float = 60.0,
) -> None:
    """Check once a day (under `exclusive`: one instance at a time); alert on any change."""

    async def once() -> None:
        try:
            _rows, found = await watch.check()
        except KieError as exc:
            log.warning("price feed not read: %s", exc)
            return
        if found:
            shown = "\n".join(found[:ALERT_LINES])
            more = len(found) - ALERT_LINES
            await alerter.prices_changed(len(found), shown + (f"\n… +{more}" if more > 0 else ""))

    await asyncio.sleep(first_delay)
    while True:
        await exclusive(once)
        await asyncio.sleep(interval)
