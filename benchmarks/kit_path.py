"""Puts `tests/` on the import path so a benchmark run from a checkout finds the test kit.

The fake Telegram, its users and the load helpers live in `tests/kit/` (they are no part of
the installed package); `python benchmarks/x.py` puts only `benchmarks/` on the path, so each
benchmark that uses the kit imports this module first: `import kit_path  # noqa: F401`.
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parents[1] / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
