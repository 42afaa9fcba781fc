"""The catalog core imports no aiogram, httpx or SQLAlchemy (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "kiegram.catalog",
    "kiegram.catalog.audit",
    "kiegram.catalog.menu",
    "kiegram.catalog.cache",
    "kiegram.catalog.cost",
]
FORBIDDEN = ("aiogram", "httpx", "sqlalchemy")


def test_the_catalog_imports_no_framework_or_transport() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
