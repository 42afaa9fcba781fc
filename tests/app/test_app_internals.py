"""Every name kiegram uses beyond a library's public API (`kiegram.internals.REACHES`) is
still there in the installed release: one test per name, failing by it."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

import kiegram
from kiegram.internals import ATTRIBUTE, PARAMETER, PROVIDED, REACHES, READS, Reach
from kiegram.storage.sqlite_inline import InlineConnection

PYPROJECT = Path(kiegram.__file__).resolve().parents[2] / "pyproject.toml"


def _resolve(dotted: str) -> Any:
    """The module, class or function at `dotted` (a module path, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


@pytest.mark.parametrize("reach", REACHES, ids=lambda r: f"{r.library}:{r.owner}.{r.name}")
def test_each_name_used_beyond_the_public_api_is_still_there(reach: Reach) -> None:
    owner = _resolve(reach.owner)
    if reach.how == ATTRIBUTE:
        assert hasattr(owner, reach.name), f"{reach.owner} no longer has {reach.name}"
    elif reach.how == PARAMETER:
        parameters = inspect.signature(owner).parameters
        assert reach.name in parameters, f"{reach.owner} no longer takes {reach.name}"
    elif reach.how == PROVIDED:
        assert inspect.isclass(owner), reach.owner
    else:
        assert reach.how == READS
        source = inspect.getsource(owner)
        assert re.search(rf"\.{reach.name}\b", source), (
            f"{reach.owner} no longer reads {reach.name}"
        )


def _adapter_reads() -> list[str]:
    """What SQLAlchemy's aiosqlite adapter reads off its driver connection (ours)."""
    from sqlalchemy.dialects.sqlite import aiosqlite

    source = inspect.getsource(aiosqlite)
    return sorted(set(re.findall(r"self\._connection\.(\w+)", source)))


@pytest.mark.parametrize("name", _adapter_reads())
def test_the_inline_sqlite_connection_has_what_the_adapter_reads(name: str) -> None:
    """`InlineConnection` stands in for aiosqlite's connection: each name the installed
    adapter reads off it is there, and one beyond aiosqlite's public API is listed."""
    conn = InlineConnection(sqlite3.connect(":memory:"))
    try:
        assert hasattr(conn, name), f"the aiosqlite adapter reads {name}; InlineConnection lacks it"
    finally:
        conn.stop()
    if name.startswith("_"):
        listed = {r.name for r in REACHES if r.how == PROVIDED}
        assert name in listed, f"the aiosqlite adapter reads {name}: list it in kiegram.internals"


def test_the_inline_sqlite_job_queue_runs_a_job_as_aiosqlite_does() -> None:
    """`_tx.put_nowait((future, function))`: how the adapter sets the isolation level."""
    conn = InlineConnection(sqlite3.connect(":memory:"))
    loop = asyncio.new_event_loop()
    try:
        future = loop.create_future()
        conn._tx.put_nowait((future, lambda: 42))
        assert future.result() == 42
    finally:
        loop.close()
        conn.stop()


def test_each_reach_names_the_range_pyproject_declares() -> None:
    """A release outside the pin is not installed by accident: the pin is what the table
    says was checked."""
    text = PYPROJECT.read_text()
    declared = {
        Requirement(line).name.lower(): str(Requirement(line).specifier)
        for line in re.findall(r'^\s*"([A-Za-z][^"]*)",', text, re.MULTILINE)
        if not line.startswith("hadolint")
    }
    for reach in REACHES:
        wanted = ",".join(sorted(reach.pin.split(",")))
        got = ",".join(sorted(declared[reach.library.lower()].split(",")))
        assert got == wanted, f"{reach.library}: pyproject declares {got}, internals {wanted}"
