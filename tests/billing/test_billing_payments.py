"""Stars top-ups and refunds exactly once; admin grants and deductions."""

from __future__ import annotations

import asyncio

from billing_kit import ADMIN_ID, Money

from kiegram.billing import AdjustStatus, PaymentStatus


async def test_a_duplicate_successful_payment_credits_once(money: Money) -> None:
    user = await money.user(20)
    credit = money.payments.credit_payment
    results = await asyncio.gather(*(credit(user, 500, 230, "charge-1") for _ in range(10)))
    statuses = [r.status for r in results]
    assert statuses.count(PaymentStatus.CREDITED) == 1
    assert statuses.count(PaymentStatus.ALREADY_CREDITED) == 9
    assert (await money.ledger.account(user)).balance == 500


async def test_refund_takes_the_units_back_once(money: Money) -> None:
    user = await money.user(21)
    await money.payments.credit_payment(user, 100, 50, "charge-2")
    first = await money.payments.refund_payment("charge-2")
    again = await money.payments.refund_payment("charge-2")
    assert (first.status, first.units, first.balance) == (PaymentStatus.REFUNDED, 100, 0)
    assert (again.status, again.units) == (PaymentStatus.ALREADY_REFUNDED, 100)
    payment = await money.store.payment("charge-2")
    assert payment is not None and payment.refunded_at is not None


async def test_refund_after_spending_reports_what_it_could_not_take(money: Money) -> None:
    user = await money.user(22)
    await money.payments.credit_payment(user, 100, 50, "charge-3")
    await money.ledger.hold(user, 70, "job-spent")
    await money.ledger.capture("job-spent")
    result = await money.payments.refund_payment("charge-3")
    assert (result.units, result.unrecovered, result.balance) == (30, 70, 0)


async def test_refunding_an_unknown_charge_is_not_found(money: Money) -> None:
    assert (await money.payments.refund_payment("nope")).status is PaymentStatus.NOT_FOUND


async def test_admin_grant_and_deduct_happen_once_per_key(money: Money) -> None:
    user = await money.user(23)
    grant = await money.ledger.grant(user, 40, "grant-1", ADMIN_ID, "support")
    repeat = await money.ledger.grant(user, 40, "grant-1", ADMIN_ID, "support")
    assert (grant.status, grant.balance) == (AdjustStatus.DONE, 40)
    assert (repeat.status, repeat.balance) == (AdjustStatus.ALREADY_DONE, 40)
    short = await money.ledger.deduct(user, 50, "deduct-1", ADMIN_ID, "abuse")
    assert (short.status, short.shortfall) == (AdjustStatus.INSUFFICIENT, 10)
    done = await money.ledger.deduct(user, 15, "deduct-2", ADMIN_ID, "abuse")
    assert (done.status, done.balance) == (AdjustStatus.DONE, 25)
