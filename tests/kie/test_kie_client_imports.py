"""The KIE client's requests over real HTTP do not search the import path.

httpcore asks ``import sniffio`` on every request; without the package installed each of
those is a failed import that walks sys.path (about a third of a request's CPU).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

from kiegram.kie import ApiFamily, KieClient
from kiegram.sandbox import SANDBOX_KEY, start_sandbox


class Lookups(importlib.abc.MetaPathFinder):
    """Records every module the import system is asked to find."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        self.names.append(fullname)
        return None


async def test_status_reads_import_nothing() -> None:
    server = await start_sandbox()
    lookups = Lookups()
    try:
        url = server.base_url
        async with KieClient(SANDBOX_KEY, base_url=url, upload_base_url=url) as kie:
            task = await kie.create_task(
                ApiFamily.MARKET, "z-image", {"prompt": "a fox", "aspect_ratio": "1:1"}
            )
            await kie.get_status(ApiFamily.MARKET, task)  # first use: imports are fine
            sys.meta_path.insert(0, lookups)
            try:
                for _ in range(3):
                    await kie.get_status(ApiFamily.MARKET, task)
            finally:
                sys.meta_path.remove(lookups)
    finally:
        await server.close()
    assert lookups.names == []
