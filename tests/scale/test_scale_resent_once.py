"""A re-sent promo code is redeemed once with the conversations in Redis too (issue #26): the
`once` mark rides in the update's writes, given back with the user's lock across instances."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kit import FakeTelegram
from kit.databases import redis_url
from kit.telegram_resend import DONE, message, twice

from kiegram.app import App
from kiegram.billing import Ledger, PromoCode, Promos


@pytest.fixture(params=["sqlite", "redis"])
def bot_settings(request: pytest.FixtureRequest, prefix: str) -> Iterator[dict[str, Any]]:
    """Conversations in the database (SQLite), or in Redis."""
    if request.param == "redis":
        yield {"redis_url": redis_url(), "redis_prefix": prefix}
    else:
        yield {}


async def test_a_re_sent_promo_code_is_redeemed_once(running: tuple[App, FakeTelegram]) -> None:
    app, telegram = running
    promos: Promos = app.dp["promos"]
    now = datetime.now(UTC)
    await promos.create(PromoCode("ONCE", 25, 5, 0, now + timedelta(days=1), now), 999)
    user = telegram.user(1301)
    await user.send("/start")
    first, again = await twice(app, telegram, user, message(app, user, text="/promo once"))
    assert "активирован: +25 кр." in first and DONE in again
    ledger: Ledger = app.dp["ledger"]
    assert (await ledger.account(1301)).balance == 25
