"""A capture of part of a hold (a chat answer priced by its tokens): the rest goes back in
the same entry, once; the revenue report counts only what was charged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from billing_kit import Money

from kiegram.billing import InvalidAmount, SettleStatus


async def test_a_partial_capture_charges_what_was_used_and_gives_back_the_rest(
    money: Money,
) -> None:
    user = await money.user(2501, balance=100)
    await money.ledger.hold(user, 10, "job:2501:chat-a")
    result = await money.ledger.capture("job:2501:chat-a", used=3)
    assert (result.status, result.amount) == (SettleStatus.CAPTURED, 3)
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (97, 0)
    again = await money.ledger.capture("job:2501:chat-a", used=1)
    assert again.status is SettleStatus.ALREADY_CAPTURED
    assert (await money.ledger.release("job:2501:chat-a")).status is SettleStatus.ALREADY_CAPTURED
    assert (await money.ledger.account(user)).balance == 97
    today = datetime.now(UTC).date()
    assert (await money.repo.units_captured(today, today)).get(today) == 3


async def test_a_capture_never_charges_more_than_the_hold(money: Money) -> None:
    user = await money.user(2502, balance=100)
    await money.ledger.hold(user, 10, "job:2502:chat-b")
    assert (await money.ledger.capture("job:2502:chat-b", used=25)).amount == 10
    assert (await money.ledger.account(user)).balance == 90


async def test_a_negative_use_is_refused(money: Money) -> None:
    user = await money.user(2503, balance=100)
    await money.ledger.hold(user, 10, "job:2503:chat-c")
    with pytest.raises(InvalidAmount):
        await money.ledger.capture("job:2503:chat-c", used=-1)
    assert (await money.ledger.account(user)).held == 10
