"""An httpx transport that counts KIE calls by endpoint and result code, for `KieClient`."""

from __future__ import annotations

import json

import httpx

from kiegram.ops.metrics import Metrics


def _envelope_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return str(code) if isinstance(code, int) else None


class MeteredTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: `KieClient(key, transport=MeteredTransport(metrics, hosts=...))`."""

    def __init__(
        self,
        metrics: Metrics,
        hosts: tuple[str, ...],
        inner: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.metrics = metrics
        self.hosts = frozenset(hosts)
        self.inner = inner if inner is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request; count it under its path (KIE hosts) or `download` (file hosts)."""
        # Result files live on many hosts with unique paths: one label keeps cardinality low.
        own = request.url.host in self.hosts
        endpoint = request.url.path if own else "download"
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.TransportError:
            self.metrics.kie_call(endpoint, "transport")
            raise
        code: str | None = None
        if own and "json" in response.headers.get("content-type", ""):
            # API replies are small JSON envelopes whose own `code` is the real result.
            await response.aread()
            code = _envelope_code(response.content)
        self.metrics.kie_call(endpoint, code or str(response.status_code))
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


def kie_hosts(base_url: str, upload_base_url: str) -> tuple[str, ...]:
    """The host names of the KIE API and upload URLs."""
    return tuple(h for h in (httpx.URL(base_url).host, httpx.URL(upload_base_url).host) if h)
