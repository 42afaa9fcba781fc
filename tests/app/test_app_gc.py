"""After start-up the heap is frozen and the young generation collected less often."""

from __future__ import annotations

import json
import subprocess
import sys

from kiegram.app import GC_YOUNG

PROBE = """
import gc, json
from kiegram.app import freeze_startup_heap
before = gc.get_threshold()
kept = [[i] for i in range(1000)]  # built during start-up
freeze_startup_heap()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_start_up_is_frozen_and_young_collections_are_spaced() -> None:
    # In a process of its own: the thresholds are the interpreter's, not this test's.
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    seen = json.loads(out.stdout)
    assert seen["after"] == [GC_YOUNG, *seen["before"][1:]]
    assert seen["before"][0] < GC_YOUNG
    assert seen["frozen"] >= 1000  # what start-up built is out of the collector's sight
