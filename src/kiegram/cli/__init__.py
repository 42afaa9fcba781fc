"""Command-line entry points: run, catalog audit, try, db, doctor."""
