"""The database at start-up: one connection and SELECT 1 before the migrations run.

Only connecting is checked here, so every failure is about the URL or the server it names
(a typo in the scheme is the settings' own check): the host, the port, the database's name,
the user. A migration that fails afterwards is a bug and keeps its traceback.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from kiegram.errors import ConfigError
from kiegram.ops.startup import reason, say
from kiegram.storage.db import create_engine

CONNECT_TIMEOUT = 10.0  # seconds: a firewall that drops packets would otherwise hang 60 s
MISSING_DATABASE = "3D000"  # PostgreSQL's invalid_catalog_name
LOGIN_REFUSED = ("28000", "28P01")  # invalid_authorization_specification, invalid_password


async def check_database(url: str, setting: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Connect to `url` once; ConfigError naming `setting` (DATABASE_URL or DATA_DIR) when
    that fails."""
    try:
        async with asyncio.timeout(timeout):
            engine = create_engine(url)  # an SQLite file's folder is created here
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            finally:
                await engine.dispose()
    except (SQLAlchemyError, OSError) as exc:  # OSError includes TimeoutError
        raise _problem(exc, make_url(url), setting, timeout) from exc
    except Exception as exc:
        # The server's refusal as the driver raised it: older SQLAlchemy 2.0 releases (the
        # lowest declared, 2.0.20) let asyncpg's errors at connect through unwrapped.
        if getattr(exc, "sqlstate", None) is None:
            raise
        raise _problem(exc, make_url(url), setting, timeout) from exc


def _problem(exc: BaseException, url: URL, setting: str, timeout: float) -> ConfigError:
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "").absolute()
        return ConfigError(say("startup.db_sqlite", setting=setting, path=path, reason=_why(exc)))
    where = {"setting": setting, "host": url.host or "localhost", "port": url.port or 5432}
    if isinstance(exc, socket.gaierror):
        return ConfigError(say("startup.db_host_unknown", **where, reason=reason(exc)))
    if isinstance(exc, TimeoutError):
        return ConfigError(say("startup.db_timeout", **where, seconds=f"{timeout:g}"))
    if isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED:
        return ConfigError(say("startup.db_refused", **where))
    state = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(exc, "sqlstate", None)
    if state == MISSING_DATABASE:
        return ConfigError(say("startup.db_missing", **where, database=url.database))
    if state in LOGIN_REFUSED:
        return ConfigError(say("startup.db_login", **where, user=url.username or "—"))
    return ConfigError(say("startup.db_other", **where, reason=_why(exc)))


def _why(exc: BaseException) -> str:
    """The driver's own words, on one line."""
    if isinstance(exc, DBAPIError):
        exc = exc.orig if isinstance(exc.orig, BaseException) else exc
    return " ".join(reason(exc).split())[:200]
