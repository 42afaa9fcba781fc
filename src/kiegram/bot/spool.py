"""Temporary files under DATA_DIR that carry a file's bytes between two network transfers.

A result on its way from KIE's URL to Telegram, or a user's file on its way from Telegram to
KIE, is written here chunk by chunk and read back the same way, so memory stays bounded
whatever the file's size. Each file is removed once its transfer is over; what a crash left
behind is removed when the instance starts again (`clean`). Each instance has a folder of its
own (its name, `scale.instance`), so a start never removes another live instance's files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

log = logging.getLogger(__name__)
FOLDER = "spool"


def spool_dir(data_dir: Path, instance: str) -> Path:
    """This instance's spool folder under DATA_DIR."""
    return data_dir / FOLDER / (re.sub(r"[^A-Za-z0-9_.-]", "_", instance) or "instance")


class Spool:
    """Creates and removes the temporary files of one instance."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.created = 0  # files made since start (tests and benchmarks read it)

    def clean(self) -> int:
        """Remove what an earlier run left behind (a crash mid-transfer); how many files."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for leftover in self.root.iterdir():
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed += 1
        if removed:
            log.info("removed %d leftover spooled file(s) from %s", removed, self.root)
        return removed

    def leftovers(self) -> list[Path]:
        """The files in the spool now."""
        return sorted(self.root.iterdir()) if self.root.is_dir() else []

    @contextlib.asynccontextmanager
    async def file(self, suffix: str = "") -> AsyncIterator[Path]:
        """A new empty file, removed when the block ends (however it ends)."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(suffix=suffix[:16], dir=self.root)
        os.close(handle)
        self.created += 1
        try:
            yield Path(name)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
