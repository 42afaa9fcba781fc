"""Imports every table module so Base.metadata knows them all (Alembic, tests)."""

import kiegram.storage.billing_tables  # noqa: F401
import kiegram.storage.jobs_table  # noqa: F401
import kiegram.storage.conversations  # noqa: F401
