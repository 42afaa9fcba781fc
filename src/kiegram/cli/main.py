"""The `kiegram` console script: one sub-command per module under kiegram.cli."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiegram.errors import KiegramError

# Each module defines `register(subparsers)`, which adds its parser and sets `func`.
COMMAND_MODULES = (
    "kiegram.cli.catalog_cmd",
    "kiegram.cli.try_cmd",
    "kiegram.cli.run_cmd",
    "kiegram.cli.doctor_cmd",
    "kiegram.cli.report_cmd",
    "kiegram.cli.prices_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="kiegram", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; errors from kiegram's tree print one line and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KiegramError as exc:
        print(f"kiegram: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
