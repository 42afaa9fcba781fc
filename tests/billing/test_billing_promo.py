"""Promo codes on SQLite and PostgreSQL: every outcome, and exactly once under a race."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from billing_kit import ADMIN_ID, Money

from kiegram.billing import PromoCode, Promos, PromoStatus
from kiegram.billing.errors import InvalidAmount
from kiegram.storage.db import create_engine
from kiegram.storage.promo_store import SqlPromoStore

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _code(name: str, units: int = 50, uses: int = 10, days: int | None = None) -> PromoCode:
    expires = NOW + timedelta(days=days) if days is not None else None
    return PromoCode(name, units, uses, 0, expires, NOW)


@pytest.fixture
async def promos(billing_url: str, money: Money) -> AsyncIterator[Promos]:
    engine = create_engine(billing_url)
    yield Promos(SqlPromoStore(engine))
    await engine.dispose()


async def test_a_code_credits_once_per_user_through_the_ledger(
    money: Money, promos: Promos
) -> None:
    await money.user(11, balance=5)
    assert await promos.create(_code("SPRING", units=50, days=30), ADMIN_ID)
    assert not await promos.create(_code("SPRING", units=999), ADMIN_ID)  # the name is taken

    first = await promos.redeem(11, " spring ", NOW)
    assert (first.status, first.code, first.units, first.balance) == (
        PromoStatus.CREDITED,
        "SPRING",
        50,
        55,
    )
    again = await promos.redeem(11, "SPRING", NOW)
    assert again.status is PromoStatus.ALREADY_USED and again.balance == 55
    assert (await money.ledger.account(11)).balance == 55
    [code] = await promos.recent()
    assert (code.used, code.max_uses, code.expires_at) == (1, 10, NOW + timedelta(days=30))


async def test_every_refusal_has_its_reason(money: Money, promos: Promos) -> None:
    for user in (21, 22, 23):
        await money.user(user)
    await promos.create(_code("OLD", days=1), ADMIN_ID)
    await promos.create(_code("ONCE", uses=1), ADMIN_ID)
    assert (await promos.redeem(21, "NOPE", NOW)).status is PromoStatus.UNKNOWN
    assert (await promos.redeem(21, "no such code!", NOW)).status is PromoStatus.UNKNOWN
    later = NOW + timedelta(days=1)
    assert (await promos.redeem(21, "OLD", later)).status is PromoStatus.EXPIRED
    assert (await promos.redeem(21, "OLD", NOW)).status is PromoStatus.CREDITED
    assert (await promos.redeem(22, "ONCE", NOW)).status is PromoStatus.CREDITED
    assert (await promos.redeem(23, "ONCE", NOW)).status is PromoStatus.USED_UP
    assert (await money.ledger.account(23)).balance == 0
    with pytest.raises(InvalidAmount):
        await promos.create(_code("ZERO", units=0), ADMIN_ID)


async def test_twenty_users_racing_for_five_uses_get_five_credits(
    money: Money, promos: Promos
) -> None:
    users = list(range(100, 120))
    for user in users:
        await money.user(user)
    await promos.create(_code("RACE", units=30, uses=5), ADMIN_ID)
    results = await asyncio.gather(*(promos.redeem(u, "RACE", NOW) for u in users))
    counts = Counter(r.status for r in results)
    assert counts == {PromoStatus.CREDITED: 5, PromoStatus.USED_UP: 15}
    balances = [(await money.ledger.account(u)).balance for u in users]
    assert sorted(balances) == [0] * 15 + [30] * 5
    [code] = await promos.recent()
    assert code.used == 5


async def test_one_user_redeeming_twenty_times_at_once_is_credited_once(
    money: Money, promos: Promos
) -> None:
    await money.user(200)
    await promos.create(_code("TWICE", units=40, uses=100), ADMIN_ID)
    results = await asyncio.gather(*(promos.redeem(200, "TWICE", NOW) for _ in range(20)))
    counts = Counter(r.status for r in results)
    assert counts == {PromoStatus.CREDITED: 1, PromoStatus.ALREADY_USED: 19}
    assert (await money.ledger.account(200)).balance == 40
    [code] = await promos.recent()
    assert code.used == 1
