"""Running the simulator on a loopback port, for tests and the bot's sandbox mode."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.loader import load_catalog
from kiegram.sandbox.app import SandboxKie
from kiegram.sandbox.faults import Faults

SANDBOX_KEY = "sandbox-key"  # what the bot and `kiegram try` send to a sandbox of their own


class SandboxServer:
    """A listening simulator; ``base_url`` serves both the API and the upload host."""

    def __init__(self, kie: SandboxKie, runner: web.AppRunner, base_url: str) -> None:
        self.kie = kie
        self.base_url = base_url
        self._runner = runner

    @property
    def faults(self) -> Faults:
        """The live fault configuration (tests may change it between requests)."""
        return self.kie.faults

    async def close(self) -> None:
        """Stop serving and cancel pending callbacks."""
        await self._runner.cleanup()

    async def __aenter__(self) -> SandboxServer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    catalog: Catalog | None = None,
    **faults: Any,
) -> SandboxServer:
    """Start the simulator; keyword arguments are ``Faults`` fields (delay, fail_all, ...)."""
    kie = SandboxKie(catalog or load_catalog(), Faults(**faults))
    runner = web.AppRunner(kie.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    kie.base_url = f"http://{bound_host}:{bound_port}"
    return SandboxServer(kie, runner, kie.base_url)


async def sandbox_in_place_of_kie(
    stack: AsyncExitStack, catalog: Catalog | None = None
) -> tuple[str, str, str]:
    """Start a sandbox for the life of `stack`: the key, API and upload URLs to use for KIE."""
    sandbox = await stack.enter_async_context(await start_sandbox(catalog=catalog))
    return SANDBOX_KEY, sandbox.base_url, sandbox.base_url
