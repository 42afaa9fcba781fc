"""Catalog start-up time: cold (no cache) and warm (cache hit) loads against a baseline.

Run: .venv/bin/python benchmarks/bench_catalog.py [--runs N]
The baseline, measured in the same run, is json.loads of the same data already parsed once,
so the numbers can be compared across machines. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from kiegram.catalog.loader import DATA_DIR, load_catalog


def median_ms(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `action` in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    """Measure and print the baseline, TOML parsing, cold and warm loads."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    files = sorted(DATA_DIR.glob("*.toml"))
    as_json = json.dumps([tomllib.loads(p.read_text(encoding="utf-8")) for p in files])
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        load_catalog(cache_dir=cache)  # warm the cache once
        rows = {
            "baseline: json.loads of the same data": median_ms(lambda: json.loads(as_json), runs),
            "tomllib parsing only": median_ms(
                lambda: [tomllib.loads(p.read_text(encoding="utf-8")) for p in files], runs
            ),
            "cold load (parse + validate)": median_ms(load_catalog, runs),
            "warm load (cache hit)": median_ms(lambda: load_catalog(cache_dir=cache), runs),
        }
    print(f"{len(files)} data files, {len(load_catalog())} models, median of {runs} runs")
    baseline = next(iter(rows.values()))
    for name, ms in rows.items():
        print(f"  {name:<40} {ms:8.2f} ms  ({ms / baseline:5.1f}x baseline)")


if __name__ == "__main__":
    main()
