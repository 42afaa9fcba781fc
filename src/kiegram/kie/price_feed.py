"""KIE's public price feed: the records behind kie.ai/pricing, read page by page.

`POST {base}/client/v1/model-pricing/page` with `{pageNum, pageSize}` (100 at most) answers
KIE's usual envelope with `data: {records, total, pages}`; it needs no key.
"""

from __future__ import annotations

from typing import Any

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.errors import KieProtocolError, KieTransportError, error_from_envelope

PATH = "/client/v1/model-pricing/page"
PAGE_SIZE = 100
MAX_PAGES = 50


async def fetch_price_feed(http: httpx.AsyncClient, base_url: str) -> list[Any]:
    """Every record of the feed (KieError when KIE does not answer with one)."""
    url = base_url.rstrip("/") + PATH
    records: list[Any] = []
    for page in range(1, MAX_PAGES + 1):
        try:
            response = await http.post(url, json={"pageNum": page, "pageSize": PAGE_SIZE})
        except httpx.TransportError as exc:
            raise KieTransportError(f"price feed: {type(exc).__name__}", sent=True) from exc
        data = _data(response)
        batch = data.get("records")
        records += batch if isinstance(batch, list) else []
        pages = f.integer(data.get("pages"))
        if not isinstance(batch, list) or len(batch) < PAGE_SIZE or (pages or 0) <= page:
            return records
    return records


def _data(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise KieProtocolError(f"price feed: HTTP {response.status_code}, not JSON") from exc
    if not isinstance(body, dict):
        raise KieProtocolError("price feed: the reply is not an object")
    code = f.integer(body.get("code"))
    if code != 200:
        status = code if code is not None else response.status_code
        raise error_from_envelope(status, str(body.get("msg") or ""))
    return dict(f.mapping(body.get("data")))
