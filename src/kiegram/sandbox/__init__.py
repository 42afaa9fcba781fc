"""An in-process KIE simulator (aiohttp) for tests and for running the bot without a key."""

from kiegram.sandbox.app import SandboxKie
from kiegram.sandbox.faults import Faults
from kiegram.sandbox.media import tiny_mp3, tiny_mp4, tiny_png
from kiegram.sandbox.server import (
    SANDBOX_KEY,
    SandboxServer,
    sandbox_in_place_of_kie,
    start_sandbox,
)

__all__ = [
    "SANDBOX_KEY",
    "Faults",
    "SandboxKie",
    "SandboxServer",
    "sandbox_in_place_of_kie",
    "start_sandbox",
    "tiny_mp3",
    "tiny_mp4",
    "tiny_png",
]
