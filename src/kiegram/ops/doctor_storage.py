"""Doctor's storage checks: the database (reachable, migrations current) and Redis."""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from kiegram.ops.checks import CheckResult, failed, passed
from kiegram.storage.db import alembic_config, create_engine

UPGRADE = "run `kiegram db upgrade`"


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def _hidden(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _missing_sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database)
    return None if parsed.database == ":memory:" or path.exists() else path


async def check_database(url: str) -> CheckResult:
    """Connect, run SELECT 1, and compare the schema's revisions with the code's heads."""
    try:
        missing = _missing_sqlite_file(url)
    except ArgumentError:
        return failed(
            "database", "DATABASE_URL is not a database URL", "fix DATABASE_URL", fatal=True
        )
    if missing is not None:
        # Connecting would create an empty file; say what is missing instead.
        return failed("database", f"no database file at {missing}", UPGRADE, fatal=True)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            current = await connection.run_sync(_current_heads)
    except (SQLAlchemyError, OSError) as exc:
        detail = f"cannot connect to {_hidden(url)} ({type(exc).__name__}: {str(exc)[:200]})"
        return failed("database", detail, "start the database or fix DATABASE_URL", fatal=True)
    finally:
        await engine.dispose()
    return _compare(set(ScriptDirectory.from_config(alembic_config(url)).get_heads()), current)


def _compare(expected: set[str], current: set[str]) -> CheckResult:
    if current == expected:
        return passed("database", f"reachable, migrations current ({', '.join(sorted(current))})")
    unknown = current - expected
    if unknown and not expected - current:
        fix = "deploy the newer code that created these revisions"
        detail = f"the database has revisions this code does not know: {', '.join(sorted(unknown))}"
        return failed("database", detail, fix, fatal=True)
    at = ", ".join(sorted(current)) or "empty"
    detail = f"migrations not current (at {at}; code expects {', '.join(sorted(expected))})"
    return failed("database", detail, UPGRADE, fatal=True)


async def check_redis(url: str) -> CheckResult:
    """PING the Redis at REDIS_URL."""
    try:
        client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    except ValueError as exc:
        return failed("redis", f"REDIS_URL is invalid ({exc})", "fix REDIS_URL", fatal=True)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        detail = f"cannot reach {_hidden(url)} ({type(exc).__name__}: {str(exc)[:200]})"
        return failed("redis", detail, "start Redis or fix REDIS_URL (or unset it)", fatal=True)
    finally:
        await client.aclose()
    return passed("redis", "reachable")
