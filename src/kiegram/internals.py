"""Every place kiegram leans on a library beyond its public API, listed in one table.

Each was measured to pay for itself (the figures are in the module that uses it), and none
has a public equivalent today. `tests/test_internals.py` checks each row by name against the
installed library, so a release that removes or changes one fails there, named, before
anything subtler breaks. A row's `pin` is the dependency range in `pyproject.toml` that
protects it.

SQLAlchemy (`SQLAlchemy[asyncio]`):
- `sqlalchemy.util.greenlet_spawn`: runs the pool's synchronous `close`/`invalidate` of a
  connection checked out by `AsyncEngine.raw_connection()` (its reset and close await the
  driver). `in_greenlet` below is its only caller.
- `Engine.dispatch.before_cursor_execute`: the engine's listeners, called by `storage.direct`
  for each statement it runs on the driver, as SQLAlchemy's own execution calls them.
  `cursor_listeners` below is its only reader.
- the aiosqlite adapter's reads of its driver connection beyond aiosqlite's public API,
  which `storage.sqlite_inline.InlineConnection` provides in aiosqlite's shape: `_conn`
  (the sqlite3 connection), `_tx.put_nowait` (a job queue: the isolation level is set
  through it), `_connection` (None once closed; 2.1) and `stop()` (a forced close; 2.1).

aiogram:
- `BaseSession.prepare_value(..., _dumps_json=False)`: a request's values prepared as
  aiogram's form does, without encoding nested values as JSON text, so `bot.session` can
  send one JSON body (`BotApiSession.build_json`).

redis-py:
- `redis.asyncio.connection.Connection.send_packed_command` reads `socket_timeout` on each
  write to decide whether to wrap it in `asyncio.wait_for` (a task per command);
  `scale.redis_store._Connection` clears it around the write, reading `is_connected` and
  `health_check_interval` first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.util import greenlet_spawn

ATTRIBUTE, PARAMETER, READS, PROVIDED = "attribute", "parameter", "reads", "provided"
SQLALCHEMY_PIN = ">=2.0.20,<2.2"


@dataclass(frozen=True)
class Reach:
    """One name kiegram uses beyond a library's public API, and how it is checked:
    `owner` has the attribute `name` (ATTRIBUTE), the callable `owner` takes the parameter
    `name` (PARAMETER), the code of `owner` reads `.name` (READS: of its own state that we
    change), or `owner` may read `name` off an object of ours that stands in for a library's
    (PROVIDED: the test checks that ours has it and that `owner` reads nothing else)."""

    library: str  # the distribution, as in pyproject.toml
    owner: str  # dotted path of a module, class or function
    name: str
    how: str
    used_in: str  # our module that depends on it
    pin: str  # the declared range in pyproject.toml


REACHES: Sequence[Reach] = (
    Reach(
        "SQLAlchemy",
        "sqlalchemy.util",
        "greenlet_spawn",
        ATTRIBUTE,
        "kiegram.internals",
        SQLALCHEMY_PIN,
    ),
    Reach(
        "SQLAlchemy",
        "sqlalchemy.engine.Engine.dispatch",
        "before_cursor_execute",
        ATTRIBUTE,
        "kiegram.internals",
        SQLALCHEMY_PIN,
    ),
    *(
        Reach(
            "SQLAlchemy",
            "sqlalchemy.dialects.sqlite.aiosqlite.AsyncAdapt_aiosqlite_connection",
            name,
            PROVIDED,
            "kiegram.storage.sqlite_inline",
            SQLALCHEMY_PIN,
        )
        for name in ("_conn", "_tx", "_connection", "stop")
    ),
    Reach(
        "aiogram",
        "aiogram.client.session.base.BaseSession.prepare_value",
        "_dumps_json",
        PARAMETER,
        "kiegram.bot.session",
        ">=3.13,<4",
    ),
    Reach(
        "redis",
        "redis.asyncio.connection.Connection.send_packed_command",
        "socket_timeout",
        READS,
        "kiegram.scale.redis_store",
        ">=5.0,<9",
    ),
    *(
        Reach(
            "redis",
            "redis.asyncio.connection.Connection",
            name,
            ATTRIBUTE,
            "kiegram.scale.redis_store",
            ">=5.0,<9",
        )
        for name in ("socket_timeout", "is_connected", "health_check_interval")
    ),
)


async def in_greenlet(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` where SQLAlchemy's synchronous pool code may await the driver (a
    connection's close, reset or invalidation outside a session)."""
    return await greenlet_spawn(function, *args)


def cursor_listeners(engine: Engine) -> Any:
    """The engine's `before_cursor_execute` listeners (empty when there are none): each is
    called as `listener(conn, cursor, statement, parameters, context, executemany)`."""
    return engine.dispatch.before_cursor_execute
