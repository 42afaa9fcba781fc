"""KIE's reported cost per task: kept per job, an alert when it exceeds the catalog's quote,
and the margin report over the bot's own database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.cli.main import main

ADMIN_CHAT = -100700


@pytest.fixture
def bot_settings(database_url: str) -> dict[str, Any]:
    return {
        "database_url": database_url,
        "admin_chat_id": ADMIN_CHAT,
        "free_daily_generations": 0,
        "stars_packs": "100:50",
    }


def _finished(user: FakeUser) -> int:
    """How many results the user was told about (the message after a delivered result)."""
    return sum("Что дальше?" in str(m.get("text", "")) for m in user.chat())


async def _generate(telegram: FakeTelegram, user: FakeUser, prompt: str) -> None:
    done = _finished(user)
    await user.send("/model z-image")
    await user.send(prompt)
    while not any("Запустить генерацию" in b for b in user.buttons()):
        await user.click("Далее")
    await user.click("Запустить генерацию")
    await telegram.wait_for(lambda: _finished(user) > done, timeout=60)


def _admin_chat(telegram: FakeTelegram) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in telegram.calls
        if c.method == "sendmessage" and str(c.params.get("chat_id")) == str(ADMIN_CHAT)
    ]


async def test_kies_cost_is_kept_alerted_when_over_the_quote_and_reported(
    running: tuple[App, FakeTelegram],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _app, telegram = running
    user = telegram.user(8301)
    await user.send("/start")
    await user.pay(f"p:100x50:{user.id}", 50, "charge-8301")
    await _generate(telegram, user, "a lighthouse at dawn")
    assert not [t for t in _admin_chat(telegram) if "больше, чем платят" in t]

    await _generate(telegram, user, "a lighthouse at dusk sandbox:overcharge")
    await telegram.wait_for(lambda: any("больше, чем платят" in t for t in _admin_chat(telegram)))
    alerts = [t for t in _admin_chat(telegram) if "больше, чем платят" in t]
    assert len(alerts) == 1 and "<code>z-image</code>" in alerts[0]
    # 0.8 credits quoted, x1.5 markup = 2 units paid; KIE "took" ten times the quote
    assert "KIE списал 8 кр. за задачу, пользователь заплатил 2 кр. KIE" in alerts[0]

    admin = telegram.user(999)
    await admin.send("/admin")
    await admin.click("💹 Маржа по моделям")
    assert "⚠️ <code>z-image</code>: 2 шт., 4,00 → 8,80, -4,80" in admin.last_text()

    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    monkeypatch.setenv("BOT_TOKEN", telegram.token)
    monkeypatch.setenv("DATABASE_URL", database_url)
    # The command runs its own event loop, as from a shell.
    args = ["report", "margin", "--days", "1", "--csv", "--by-model"]
    assert await asyncio.to_thread(main, args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and rows[0]["model"] == "z-image"
    assert rows[0]["jobs"] == "2" and rows[0]["unreported"] == "0"
    assert rows[0]["kie_credits"] == "8.80"  # 0.8 as quoted, then 8 overcharged
    assert rows[0]["paid_units"] == "4" and rows[0]["paid_credits"] == "4.00"  # 1 per unit
    assert rows[0]["margin"] == "-4.80"
