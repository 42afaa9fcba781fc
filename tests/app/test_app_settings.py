"""DATABASE_URL: the two supported databases, with the driver the bot runs statements on."""

from __future__ import annotations

import pytest

from kiegram.errors import ConfigError
from kiegram.settings import load_settings

TOKEN = "123456:" + "a" * 35


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://bot:pw@db:5432/kiegram", "postgresql+asyncpg://bot:pw@db:5432/kiegram"),
        ("postgres://bot@db/kiegram", "postgresql+asyncpg://bot@db/kiegram"),
        ("postgresql+asyncpg://bot@db/kiegram", "postgresql+asyncpg://bot@db/kiegram"),
        ("sqlite:////srv/bot/kiegram.sqlite3", "sqlite+aiosqlite:////srv/bot/kiegram.sqlite3"),
        ("sqlite+aiosqlite:///data/k.sqlite3", "sqlite+aiosqlite:///data/k.sqlite3"),
    ],
)
def test_supported_urls_get_their_driver(given: str, used: str) -> None:
    settings = load_settings(_env_file=None, bot_token=TOKEN, database_url=given)
    assert settings.effective_database_url == used


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("postgresql+psycopg://bot@db/kiegram", "use postgresql+asyncpg://"),
        ("mysql://bot@db/kiegram", "use postgresql+asyncpg://"),
        ("kiegram.sqlite3", "use postgresql+asyncpg://"),
        ("sqlite+aiosqlite:///:memory:", "SQLite needs a file"),
        ("sqlite://", "SQLite needs a file"),
    ],
)
def test_other_urls_stop_start_up_with_one_line(given: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, bot_token=TOKEN, database_url=given)
    message = str(caught.value)
    assert message.startswith("setting DATABASE_URL is invalid:") and says in message
    assert "\n" not in message
