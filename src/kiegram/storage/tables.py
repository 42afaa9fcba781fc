"""Imports every table module so Base.metadata knows them all (Alembic, tests)."""
