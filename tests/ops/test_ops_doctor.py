"""`kiegram doctor` against a fake Telegram, a stub KIE, real SQLite/PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from kit import FakeTelegram
from kit.databases import migrated_sqlite

from kiegram.errors import ConfigError
from kiegram.ops.doctor import fatal, preflight, report, run_checks
from kiegram.settings import Settings
from kiegram.storage.db import upgrade

REDIS_URL = os.environ.get("KIEGRAM_TEST_REDIS", "redis://127.0.0.1:6379/0")
KIE_KEY = "kie-doctor-test-key-0123456789"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def kie() -> AsyncIterator[str]:
    """A KIE stand-in: the right key has 1234.5 credits, any other gets 401."""

    async def credit(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {KIE_KEY}":
            body = {"code": 401, "msg": "You do not have access permissions"}
            return web.json_response(body, status=401)
        return web.json_response({"code": 200, "msg": "success", "data": 1234.5})

    app = web.Application()
    app.router.add_get("/api/v1/chat/credit", credit)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


@pytest.fixture
async def migrated(tmp_path: Path) -> str:
    url = await migrated_sqlite(tmp_path / "doctor.sqlite3")
    return url


@pytest.fixture
def good(telegram: FakeTelegram, migrated: str) -> dict[str, Any]:
    return {
        "bot_token": telegram.token,
        "telegram_api_base": telegram.base_url,
        "database_url": migrated,
        "redis_url": REDIS_URL,
        "admin_ids": (42,),
    }


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def failures(results: list[Any]) -> dict[str, Any]:
    return {r.name: r for r in results if not r.ok}


async def test_good_settings_pass_every_check(good: dict[str, Any]) -> None:
    results = await run_checks(settings(**good))
    lines: list[str] = []
    assert report(results, lines.append) is True
    assert [r.name for r in results] == [
        "bot_token", "kie_key", "urls", "callback_key", "admins",
        "telegram", "kie", "database", "redis",
    ]  # fmt: skip
    assert all(line.startswith("✔ ") for line in lines)
    assert "✔ telegram: @kiegram_bot (id 42)" in lines
    assert "✔ kie: sandbox mode: not contacting KIE" in lines
    assert any(line.startswith("✔ database: reachable, migrations current") for line in lines)
    assert "✔ redis: reachable" in lines


async def test_real_kie_key_reports_credits(good: dict[str, Any], kie: str) -> None:
    results = await run_checks(settings(**good, kie_api_key=KIE_KEY, kie_base_url=kie))
    assert failures(results) == {}
    assert next(r for r in results if r.name == "kie").line == "✔ kie: 1234.5 credits left"


async def test_bad_token_format_fails_alone(good: dict[str, Any]) -> None:
    results = await run_checks(settings(**{**good, "bot_token": "12345:short"}))
    bad = failures(results)
    assert set(bad) == {"bot_token", "telegram"}
    assert bad["bot_token"].fatal
    assert bad["bot_token"].line == (
        "✘ bot_token: BOT_TOKEN is not a bot token (<id>:<secret>)"
        " — copy the token @BotFather gave you into BOT_TOKEN"
    )
    assert bad["telegram"].detail == "not checked"


async def test_telegram_unreachable(good: dict[str, Any]) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    results = await run_checks(settings(**{**good, "telegram_api_base": base}))
    bad = failures(results)
    assert set(bad) == {"telegram"}
    assert bad["telegram"].detail.startswith(f"cannot reach {base}")
    assert not bad["telegram"].fatal


async def test_telegram_rejects_the_token(good: dict[str, Any]) -> None:
    wrong = "654321:" + "w" * 35
    results = await run_checks(settings(**{**good, "bot_token": wrong}))
    bad = failures(results)
    assert set(bad) == {"telegram"}
    assert bad["telegram"].fatal and "refused BOT_TOKEN (401)" in bad["telegram"].detail
    assert wrong not in bad["telegram"].line


async def test_kie_rejects_the_key(good: dict[str, Any], kie: str) -> None:
    results = await run_checks(settings(**good, kie_api_key="wrong-key-123", kie_base_url=kie))
    bad = failures(results)
    assert set(bad) == {"kie"}
    assert bad["kie"].fatal and bad["kie"].detail.startswith("KIE refused KIE_API_KEY")
    assert "https://kie.ai/api-key" in bad["kie"].fix


async def test_database_unreachable(good: dict[str, Any]) -> None:
    url = f"postgresql+asyncpg://postgres:hunter22@127.0.0.1:{closed_port()}/test"
    results = await run_checks(settings(**{**good, "database_url": url}))
    bad = failures(results)
    assert set(bad) == {"database"}
    assert bad["database"].fatal and "cannot connect to" in bad["database"].detail
    assert "hunter22" not in bad["database"].line


async def test_migrations_not_current(good: dict[str, Any], tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'half.sqlite3'}"
    await upgrade(url, "0001_jobs")
    results = await run_checks(settings(**{**good, "database_url": url}))
    bad = failures(results)
    assert set(bad) == {"database"}
    assert bad["database"].line.startswith("✘ database: migrations not current (at 0001_jobs;")
    assert bad["database"].line.endswith("— run `kiegram db upgrade`")


async def test_missing_sqlite_file_is_not_created(good: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "absent" / "db.sqlite3"
    results = await run_checks(settings(**{**good, "database_url": f"sqlite+aiosqlite:///{path}"}))
    assert set(failures(results)) == {"database"}
    assert not path.exists()


async def test_redis_unreachable(good: dict[str, Any]) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    results = await run_checks(settings(**{**good, "redis_url": url}))
    bad = failures(results)
    assert set(bad) == {"redis"}
    assert bad["redis"].fatal and bad["redis"].detail.startswith("cannot reach redis://")
    assert [r.name for r in fatal(results)] == ["redis"]


async def test_settings_problems(good: dict[str, Any]) -> None:
    values = {
        **good,
        "admin_ids": (),
        "webhook_url": "ftp://example.org/hook",
        "public_url": "https://bot.example.org",
    }
    bad = failures(await run_checks(settings(**values)))
    assert set(bad) == {"urls", "callback_key", "admins", "telegram", "kie"}
    assert "WEBHOOK_URL is not a http(s) URL" in bad["urls"].detail
    assert "WEBHOOK_SECRET must be" in bad["urls"].detail
    assert not bad["admins"].fatal and not bad["callback_key"].fatal


async def test_cli_exit_codes(
    good: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiegram.cli.main import main

    monkeypatch.chdir(Path(good["database_url"].split("///")[1]).parent)
    for name, value in good.items():
        text = ",".join(map(str, value)) if isinstance(value, tuple) else value
        monkeypatch.setenv(name.upper(), text)
    # In a thread: the fake Telegram answers from this test's event loop.
    assert await asyncio.to_thread(main, ["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 9 and all(line.startswith("✔ ") for line in out)
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    assert await asyncio.to_thread(main, ["doctor"]) == 1
    assert "✘ redis: cannot reach" in capsys.readouterr().out


async def test_preflight_refuses_to_start_on_a_fatal_failure(good: dict[str, Any]) -> None:
    lines: list[str] = []
    assert len(await preflight(settings(**good), lines.append)) == 9
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with pytest.raises(ConfigError, match=r"refusing to start: ✘ redis: cannot reach"):
        await preflight(settings(**{**good, "redis_url": url, "admin_ids": ()}), lines.append)
    assert any(line.startswith("✘ admins:") for line in lines)
