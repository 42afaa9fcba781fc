"""`kiegram run` as a real process with an operator's mistake: one line naming the setting
and what to do, exit code 2, no traceback."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kit import FakeTelegram
from kit.databases import migrated_data_dir, pg_admin_url
from sqlalchemy import make_url

TOKEN = "123456:" + "a" * 35


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _run(tmp_path: Path, *args: str, lang: str = "C.UTF-8", **settings: str) -> str:
    """Run `kiegram run` in `tmp_path` (no .env there); the output once it exits with 2."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "LANG", "DATABASE_", "REDIS_", "KIE_", "TELEGRAM_"))
    }
    env |= {"BOT_TOKEN": TOKEN, "DATA_DIR": str(tmp_path / "data"), "HTTP_PORT": "0"}
    env |= {"LANG": lang, "ADMIN_IDS": "1", **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kiegram.cli.main",
        "run",
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
    text = output.decode(errors="replace")
    assert process.returncode == 2, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    return text


def _only_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("kiegram: ")
    return lines[0]


async def test_a_taken_port_is_one_line_naming_http_port(tmp_path: Path, taken_port: int) -> None:
    line = _only_line(await _run(tmp_path, HTTP_PORT=str(taken_port)))
    assert f"HTTP_PORT {taken_port} on 127.0.0.1 is taken" in line
    assert "set HTTP_PORT to a free port" in line


async def test_the_line_speaks_russian_to_a_russian_locale(tmp_path: Path, taken_port: int) -> None:
    output = await _run(tmp_path, lang="ru_RU.UTF-8", HTTP_PORT=str(taken_port))
    line = _only_line(output)
    assert f"HTTP_PORT {taken_port} на 127.0.0.1 уже занят другой программой" in line
    assert "укажите в HTTP_PORT свободный порт" in line


async def test_an_http_host_not_of_this_machine(tmp_path: Path) -> None:
    line = _only_line(await _run(tmp_path, HTTP_HOST="192.0.2.1", HTTP_PORT="8080"))
    assert "HTTP_HOST 192.0.2.1 is not an address of this machine" in line


async def test_a_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    line = _only_line(await _run(tmp_path, DATA_DIR=str(tmp_path / "file" / "data")))
    assert f"DATA_DIR {tmp_path / 'file' / 'data'} is not writable (Not a directory)" in line
    assert "point DATA_DIR at a folder it can write" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
async def test_a_read_only_data_dir(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    line = _only_line(await _run(tmp_path, DATA_DIR=str(folder)))
    assert f"DATA_DIR {folder} is not writable (Permission denied)" in line


def _pg(database: str | None = None, user: str | None = None, port: int | None = None) -> str:
    url = make_url(pg_admin_url()).set(drivername="postgresql+asyncpg")
    if database is not None:
        url = url.set(database=database)
    if user is not None:
        url = url.set(username=user, password="wrong")
    if port is not None:
        url = url.set(host="127.0.0.1", port=port)
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (
            "postgresql+asyncpg://bot@no-such-host.invalid/kiegram",
            "DATABASE_URL: the database host no-such-host.invalid is not known",
        ),
        (
            _pg(database="kiegram_no_such_database"),
            'there is no database "kiegram_no_such_database"',
        ),
        (_pg(user="kiegram_no_such_user"), 'refused user "kiegram_no_such_user"'),
        (
            "mysql://bot@db/kiegram",
            "setting DATABASE_URL is invalid: use postgresql+asyncpg://",
        ),
    ],
    ids=["unknown host", "wrong database", "wrong user", "bad scheme"],
)
async def test_a_database_url_with_a_typo(tmp_path: Path, url: str, says: str) -> None:
    line = _only_line(await _run(tmp_path, DATABASE_URL=url))
    assert says in line
    assert "wrong" not in line  # the password stays out of it


async def test_a_database_nobody_listens_for(tmp_path: Path) -> None:
    port = _free_port()
    line = _only_line(await _run(tmp_path, DATABASE_URL=_pg(port=port)))
    assert f"DATABASE_URL: nothing accepts connections at 127.0.0.1:{port}" in line
    assert "start PostgreSQL there" in line


async def test_a_refused_bot_token_names_bot_token(tmp_path: Path) -> None:
    telegram = FakeTelegram()  # answers 401 to any token but its own
    await telegram.start()
    await migrated_data_dir(tmp_path / "data")  # start-up gets as far as Telegram sooner
    try:
        output = await _run(tmp_path, "--skip-checks", TELEGRAM_API_BASE=telegram.base_url)
    finally:
        await telegram.stop()
    last = output.strip().splitlines()[-1]
    assert last.startswith("kiegram: BOT_TOKEN: Telegram refused the token (Unauthorized)")
    assert "@BotFather" in last


async def test_an_unreachable_telegram_names_telegram_api_base(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    await migrated_data_dir(tmp_path / "data")  # start-up gets as far as Telegram sooner
    output = await _run(tmp_path, "--skip-checks", TELEGRAM_API_BASE=base)
    last = output.strip().splitlines()[-1]
    assert last.startswith(f"kiegram: TELEGRAM_API_BASE: cannot reach Telegram at {base}")
