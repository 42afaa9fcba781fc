"""Holds: one per key under concurrency, never an overdraft, settled exactly once."""

from __future__ import annotations

import asyncio

import pytest
from billing_kit import Money
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kiegram.billing import HoldStatus, InvalidAmount, KeyConflict, SettleStatus, UnknownUser
from kiegram.storage.db import create_engine


async def test_twenty_concurrent_confirms_with_one_key_create_one_hold(money: Money) -> None:
    user = await money.user(10, balance=100)
    results = await asyncio.gather(*(money.ledger.hold(user, 30, "job-1") for _ in range(20)))
    statuses = [r.status for r in results]
    assert statuses.count(HoldStatus.PLACED) == 1
    assert statuses.count(HoldStatus.ALREADY_PLACED) == 19
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (70, 30)


async def test_concurrent_holds_with_different_keys_never_overdraw(money: Money) -> None:
    user = await money.user(11, balance=100)
    results = await asyncio.gather(*(money.ledger.hold(user, 30, f"job-{n}") for n in range(20)))
    placed = [r for r in results if r.status is HoldStatus.PLACED]
    refused = [r for r in results if r.status is HoldStatus.INSUFFICIENT]
    assert len(placed) == 100 // 30
    assert len(refused) == 20 - 100 // 30
    assert all(r.shortfall == 30 - 100 % 30 for r in refused)
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (100 % 30, 90)


async def test_short_balance_reports_the_shortfall(money: Money) -> None:
    user = await money.user(12, balance=7)
    result = await money.ledger.hold(user, 10, "job-x")
    assert (result.status, result.shortfall, result.balance, result.ok) == (
        HoldStatus.INSUFFICIENT,
        3,
        7,
        False,
    )


async def test_failure_releases_the_hold(money: Money) -> None:
    user = await money.user(13, balance=50)
    await money.ledger.hold(user, 20, "job-f")
    released = await money.ledger.release("job-f")
    assert (released.status, released.amount, released.moved) == (SettleStatus.RELEASED, 20, True)
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (50, 0)


async def test_capture_then_release_moves_money_once(money: Money) -> None:
    user = await money.user(14, balance=50)
    await money.ledger.hold(user, 20, "job-c")
    assert (await money.ledger.capture("job-c")).status is SettleStatus.CAPTURED
    assert (await money.ledger.release("job-c")).status is SettleStatus.ALREADY_CAPTURED
    assert (await money.ledger.capture("job-c")).status is SettleStatus.ALREADY_CAPTURED
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (30, 0)
    again = await money.ledger.hold(user, 20, "job-c")
    assert again.status is HoldStatus.ALREADY_SETTLED
    assert (await money.ledger.account(user)).balance == 30


async def test_release_then_capture_is_a_reported_no_op(money: Money) -> None:
    user = await money.user(15, balance=50)
    await money.ledger.hold(user, 20, "job-r")
    await money.ledger.release("job-r")
    capture = await money.ledger.capture("job-r")
    assert (capture.status, capture.moved) == (SettleStatus.ALREADY_RELEASED, False)
    assert (await money.ledger.account(user)).balance == 50


async def test_concurrent_capture_and_release_settle_once(money: Money) -> None:
    user = await money.user(16, balance=50)
    await money.ledger.hold(user, 20, "job-race")
    settle = (money.ledger.capture, money.ledger.release)
    results = await asyncio.gather(*(settle[n % 2]("job-race") for n in range(20)))
    assert sum(r.moved for r in results) == 1
    balance = (await money.ledger.account(user)).balance
    winner = next(r for r in results if r.moved).status
    assert balance == (30 if winner is SettleStatus.CAPTURED else 50)


async def test_settling_an_unknown_key_reports_not_found(money: Money) -> None:
    assert (await money.ledger.capture("nope")).status is SettleStatus.NOT_FOUND
    assert (await money.ledger.release("nope")).status is SettleStatus.NOT_FOUND


async def test_bad_calls_raise_typed_errors(money: Money) -> None:
    user = await money.user(17, balance=50)
    with pytest.raises(InvalidAmount):
        await money.ledger.hold(user, 0, "zero")
    with pytest.raises(UnknownUser):
        await money.ledger.hold(999, 5, "ghost")
    await money.ledger.hold(user, 5, "shared")
    other = await money.user(18, balance=50)
    with pytest.raises(KeyConflict):
        await money.ledger.hold(other, 5, "shared")


async def test_blocked_users_cannot_hold(money: Money) -> None:
    user = await money.user(19, balance=50)
    await money.users.set_blocked(user, True)
    assert (await money.ledger.hold(user, 5, "b")).status is HoldStatus.BLOCKED


async def test_the_database_refuses_a_negative_held_amount(money: Money, billing_url: str) -> None:
    user = await money.user(77, balance=10)
    await money.ledger.hold(user, 4, "job:held")
    engine = create_engine(billing_url)
    try:
        for statement in (
            "UPDATE users SET held = held - 5 WHERE id = 77",
            "INSERT INTO users (id, language, created_at, blocked, balance, held) "
            "VALUES (78, 'ru', '2026-11-27', false, 0, -1)",
        ):
            with pytest.raises(IntegrityError, match="held_not_negative"):
                async with engine.begin() as connection:
                    await connection.execute(text(statement))
    finally:
        await engine.dispose()
    account = await money.ledger.account(user)
    assert (account.balance, account.held) == (6, 4)  # nothing moved
