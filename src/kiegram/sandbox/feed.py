"""The sandbox's price feed: KIE's record shape, one row per priced model of the catalog."""

from __future__ import annotations

from typing import Any

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.cost import credit_range

PRICE_FEED_PATH = "/client/v1/model-pricing/page"  # as kie/price_feed.py reads it


def feed_rows(catalog: Catalog, factor: float = 1.0) -> list[dict[str, Any]]:
    """ "<model id>, from" at the model's lowest quote (times `factor`), as KIE lists rows."""
    rows = []
    for spec in catalog:
        span = credit_range(spec)
        if span is None:
            continue
        credits = float(span[0]) * factor
        rows.append(
            {
                "modelDescription": f"{spec.id}, from",
                "interfaceType": spec.output.value,
                "creditPrice": f"{credits:g}",
                "creditUnit": "per generation",
                "usdPrice": f"{credits * 0.005:g}",
            }
        )
    return rows
