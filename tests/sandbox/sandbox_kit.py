"""What the sandbox tests over HTTP share: the catalog, one-try policies, an endpoint by model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kiegram.catalog.loader import load_catalog
from kiegram.jobs.endpoints import endpoint_of
from kiegram.kie import KieClient
from kiegram.kie.endpoint import Endpoint
from kiegram.kie.retry import RetryPolicy
from kiegram.sandbox import SandboxServer, start_sandbox

ONCE = RetryPolicy(attempts=1)
CATALOG = load_catalog()


def endpoint(model: str) -> Endpoint:
    """The dedicated endpoint a catalog model is sent to."""
    found = endpoint_of(CATALOG.get(model))
    assert found is not None
    return found


@asynccontextmanager
async def sandbox_client() -> AsyncIterator[KieClient]:
    """A KIE client on a fresh sandbox server that tries each call once."""
    server: SandboxServer = await start_sandbox(catalog=CATALOG)
    try:
        async with KieClient(
            "key",
            base_url=server.base_url,
            upload_base_url=server.base_url,
            create_policy=ONCE,
            read_policy=ONCE,
        ) as client:
            yield client
    finally:
        await server.close()
