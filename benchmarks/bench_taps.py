"""Taps from a model's card to a started generation, over every usable model.

Run: .venv/bin/python benchmarks/bench_taps.py
A tap is a message sent or a button pressed (the card's Start not counted); the walk answers
as a first-time user would (kit.taps). Prints the distribution and the models
that take the most; asserts nothing.
"""

from __future__ import annotations

import statistics
from collections import Counter

import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from kit.taps import walk

from kiegram.catalog import load_catalog
from kiegram.wizard import Wizard


def main() -> None:
    catalog = load_catalog()
    wizard = Wizard(catalog)
    walks = [walk(wizard, spec) for spec in catalog.usable()]
    counts = Counter(w.taps for w in walks)
    print(f"models: {len(walks)}; taps median {statistics.median(w.taps for w in walks)}")
    for taps in sorted(counts):
        print(f"  {taps} taps: {counts[taps]:3d} {'#' * counts[taps]}")
    over = [w for w in walks if w.taps > w.required + 1]
    print(f"over required + 1: {len(over)}")
    print("most taps:")
    for w in sorted(walks, key=lambda w: -w.taps)[:5]:
        print(f"  {w.model_id}: {w.taps} (required {w.required})")


if __name__ == "__main__":
    main()
