"""`kiegram catalog audit`: the catalog's report about itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add `catalog audit` to the parser."""
    catalog = subparsers.add_parser("catalog", help="inspect the model catalog")
    sub = catalog.add_subparsers(dest="catalog_command", required=True)
    audit = sub.add_parser("audit", help="report every model as usable or held back")
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.add_argument("--lang", choices=("ru", "en"), default="ru")
    audit.add_argument("--data-dir", type=Path, default=None, help="audit these data files instead")
    audit.set_defaults(func=run_audit)


def run_audit(args: argparse.Namespace) -> int:
    """Print the audit; exit 1 when a usable model has a critical problem."""
    # Imported here so `kiegram --help` and other commands stay fast.
    from kiegram.catalog import DATA_DIR, load_catalog
    from kiegram.catalog.audit import audit_catalog, render_json, render_text

    report = audit_catalog(load_catalog(args.data_dir or DATA_DIR))
    text = render_json(report) if args.json else render_text(report, args.lang)
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # `kiegram catalog audit | head` closes the pipe early; that is not an error.
        sys.stderr.close()
    return 1 if report.critical else 0
