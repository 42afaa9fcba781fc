"""The admin's 30-day chart: a PNG of the right size whose bars follow the day's figures."""

from __future__ import annotations

import io
from typing import Any

import pytest
from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call
from PIL import Image

from kiegram.app import App
from kiegram.bot.admin.chart import FAILED_COLOR, HEIGHT_PX, UNITS_COLOR, WIDTH_PX

ADMIN = 999  # the `running` fixture's admin id


@pytest.fixture
def bot_settings(database_url: str) -> dict[str, Any]:
    """On SQLite and on PostgreSQL: the chart's day grouping differs by dialect."""
    return {"database_url": database_url, "free_daily_generations": 0, "stars_packs": "100:50"}


def _calls(telegram: FakeTelegram, method: str) -> list[Call]:
    return [c for c in telegram.calls if c.method == method]


def _pixels_of(png: bytes, color: str) -> int:
    """How many pixels are (nearly) `color` ("#rrggbb")."""
    wanted = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, wanted, strict=True)))


async def _chart(telegram: FakeTelegram) -> tuple[bytes, str]:
    admin = telegram.user(ADMIN)
    await admin.send("/admin")
    await admin.click("📈 График за 30 дней")
    photo = _calls(telegram, "sendphoto")[-1]
    assert str(photo.params["chat_id"]) == str(ADMIN)
    attached = str(photo.params["photo"]).removeprefix("attach://")
    return photo.files[attached], str(photo.params["caption"])


async def _generate(telegram: FakeTelegram, user: FakeUser) -> None:
    await user.send("/model z-image")
    await user.send("a lighthouse at dawn")
    while not any("Запустить генерацию" in b for b in user.buttons()):
        await user.click("Далее")
    await user.click("Запустить генерацию")
    await telegram.wait_for(lambda: "Готово" in user.last_text(), timeout=60)


async def test_the_chart_shows_nothing_before_anything_happened(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    png, caption = await _chart(telegram)
    assert Image.open(io.BytesIO(png)).size == (WIDTH_PX, HEIGHT_PX)
    assert _pixels_of(png, UNITS_COLOR) < 500  # the legend swatch only: no earnings bar
    assert "Кредитов за генерации: 0" in caption and "Готовых генераций: 0" in caption


async def test_a_paid_generation_shows_as_earnings_and_in_its_section(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(8201)
    await user.send("/start")
    await user.pay(f"p:100x50:{user.id}", 50, "charge-8201")
    await _generate(telegram, user)

    png, caption = await _chart(telegram)
    assert Image.open(io.BytesIO(png)).size == (WIDTH_PX, HEIGHT_PX)
    assert _pixels_of(png, UNITS_COLOR) > 2000  # today's earnings bar is drawn
    assert _pixels_of(png, FAILED_COLOR) < 500  # the legend swatch only: nothing failed
    assert "Звёзд получено: 50" in caption and "Готовых генераций: 1" in caption
    assert "Кредитов за генерации: 0" not in caption
