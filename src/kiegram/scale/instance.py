"""This instance's name, the same across restarts: kept in DATA_DIR, locked while it runs.

Jobs are leased by name (`jobs.lease`). A restarted instance that finds the name it had
before recognises its own unfinished work and takes it over at once (its old leases are its
own to drop) instead of waiting for them to run out. The file is locked (`flock`) for the
life of the process and the lock dies with it, even by SIGKILL: a second live process on
the same DATA_DIR cannot take the name and gets a name of its own for this run.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path

log = logging.getLogger(__name__)
FILE = "instance-id"


def fresh_name() -> str:
    """A new instance name: the host and a random part."""
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}"


class InstanceName:
    """The name, and the open, locked file that keeps it ours until `close`."""

    def __init__(self, data_dir: Path) -> None:
        self._fd: int | None = None
        self.name = self._take(data_dir)

    def _take(self, data_dir: Path) -> str:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(data_dir / FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            log.warning("instance name not kept in %s: %s", data_dir, exc)
            return fresh_name()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another live process runs on this DATA_DIR: not its name
            os.close(fd)
            return fresh_name()
        self._fd = fd
        kept = os.read(fd, 200).decode(errors="replace").strip()
        if kept:
            return kept
        name = fresh_name()
        os.write(fd, name.encode())
        os.fsync(fd)
        return name

    def close(self) -> None:
        """Let the name go (a graceful stop; a dead process's lock goes with it)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
