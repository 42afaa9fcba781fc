"""An on-disk cache of validated specs, keyed by the data files' bytes and kiegram's version."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path

from kiegram.catalog.dedupe import share_equal
from kiegram.catalog.spec import ModelSpec

CACHE_FILE = "catalog.pickle"

# Anything a truncated, foreign or stale pickle can raise while loading.
_BROKEN = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
)


@cache
def package_version() -> str:
    """kiegram's installed version (part of the key: a new release may change the specs)."""
    try:
        return metadata.version("kiegram")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def cache_key(files: Mapping[str, bytes], version: str) -> str:
    """A hash of every data file's name and bytes plus the package version."""
    digest = hashlib.sha256(version.encode())
    for name in sorted(files):
        digest.update(b"\0" + name.encode() + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


@contextmanager
def _no_gc() -> Iterator[None]:
    # Unpickling allocates thousands of objects; collector passes would double the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_cached(path: Path, key: str) -> tuple[ModelSpec, ...] | None:
    """The cached specs when `path` holds them under `key`; None when absent, stale or corrupt."""
    header = key.encode() + b"\n"
    try:
        content = path.read_bytes()
        if not content.startswith(header):
            return None
        with _no_gc():
            specs = pickle.loads(memoryview(content)[len(header) :])
    except (OSError, *_BROKEN):
        return None
    if not isinstance(specs, tuple) or not all(isinstance(s, ModelSpec) for s in specs):
        return None
    return specs


def write_cached(path: Path, key: str, specs: tuple[ModelSpec, ...]) -> None:
    """Atomically replace `path` with `specs` under `key`; skipped when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.encode() + b"\n")
            pickle.dump(share_equal(specs), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
