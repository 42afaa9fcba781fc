"""The sandbox tests' shared fixture: a one-try KIE client on a fresh sandbox server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sandbox_kit import sandbox_client

from kiegram.kie import KieClient


@pytest.fixture
async def kie() -> AsyncIterator[KieClient]:
    async with sandbox_client() as client:
        yield client
