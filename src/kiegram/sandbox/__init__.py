"""An in-process KIE simulator (aiohttp) for tests and for running the bot without a key."""

from kiegram.sandbox.app import SandboxKie
from kiegram.sandbox.faults import Faults
from kiegram.sandbox.media import tiny_mp3, tiny_mp4, tiny_png
from kiegram.sandbox.server import SandboxServer, start_sandbox

__all__ = [
    "Faults",
    "SandboxKie",
    "SandboxServer",
    "start_sandbox",
    "tiny_mp3",
    "tiny_mp4",
    "tiny_png",
]
