"""The free quota, the referral bonus and the jobs engine's settlement seam."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from billing_kit import Money
from sqlalchemy import event, text

from kiegram.billing import FreeStatus, Ledger, ReferralStatus, SettleStatus
from kiegram.storage.db import create_engine
from kiegram.storage.ledger_store import SqlLedgerStore

DAY = date(2025, 6, 1)


@dataclass(frozen=True)
class FakeJob:
    id: str
    user_id: int
    hold_key: str | None
    cost: int = 0


async def test_a_job_takes_its_free_use_once_even_concurrently(money: Money) -> None:
    user = await money.user(30)
    results = await asyncio.gather(*(money.quota.use_free(user, DAY, "job-1") for _ in range(10)))
    statuses = [r.status for r in results]
    assert statuses.count(FreeStatus.TAKEN) == 1
    assert statuses.count(FreeStatus.ALREADY_TAKEN) == 9
    assert await money.quota.left(user, DAY) == 2


async def test_the_daily_quota_is_never_exceeded_concurrently(money: Money) -> None:
    user = await money.user(31)
    use = money.quota.use_free
    results = await asyncio.gather(*(use(user, DAY, f"job-{n}") for n in range(12)))
    statuses = [r.status for r in results]
    assert statuses.count(FreeStatus.TAKEN) == 3
    assert statuses.count(FreeStatus.EXHAUSTED) == 9
    assert await money.quota.left(user, DAY) == 0
    assert await money.quota.left(user, date(2025, 6, 2)) == 3


async def test_a_second_tap_is_the_same_free_use_after_the_last_one_or_its_return(
    money: Money,
) -> None:
    user = await money.user(33)
    for n in range(3):
        assert (await money.quota.use_free(user, DAY, f"job-{n}")).status is FreeStatus.TAKEN
    again = await money.quota.use_free(user, DAY, "job-2")  # the last one, tapped twice
    assert (again.status, again.left) == (FreeStatus.ALREADY_TAKEN, 0)
    assert (await money.quota.use_free(user, DAY, "job-3")).status is FreeStatus.EXHAUSTED
    assert await money.quota.return_free("job-0")
    retry = await money.quota.use_free(user, DAY, "job-0")  # its job failed: not free twice
    assert retry.status is FreeStatus.ALREADY_TAKEN
    assert (await money.quota.use_free(user, DAY, "job-4")).status is FreeStatus.TAKEN
    assert await money.store.mismatches() == []


async def test_expensive_models_are_not_free(money: Money) -> None:
    user = await money.user(32)
    result = await money.quota.use_free(user, DAY, "job-big", price=6)
    assert (result.status, result.ok) == (FreeStatus.NOT_ELIGIBLE, False)
    assert money.quota.eligible(5) and not money.quota.eligible(None)


async def test_ensure_stores_a_user_once_per_username_this_process_saw(
    money: Money, billing_url: str
) -> None:
    await money.users.ensure(35, "fox", "en")  # unknown: stored
    await money.users.touch(36, "bear", "ru")  # /start's touch counts as stored too
    stored = await money.users.get(35)
    assert stored is not None and (stored.username, stored.language) == ("fox", "en")
    engine = create_engine(billing_url)
    try:
        async with engine.begin() as connection:  # another writer renames them behind our back
            await connection.execute(text("UPDATE users SET username = 'other' WHERE id > 34"))
    finally:
        await engine.dispose()
    await money.users.ensure(35, "fox", "en")  # what this process stored: no query
    await money.users.ensure(36, "bear", "ru")
    assert [(await money.users.get(u)).username for u in (35, 36)] == ["other", "other"]  # type: ignore[union-attr]
    await money.users.ensure(35, "wolf", "en")  # a new username is stored
    assert (await money.users.get(35)).username == "wolf"  # type: ignore[union-attr]


async def test_referral_bonus_is_paid_once_per_pair_even_concurrently(money: Money) -> None:
    referrer = await money.user(33)
    invited = await money.users.touch(34, "friend", "ru", referrer_id=referrer)
    assert invited.referrer_id == referrer
    results = await asyncio.gather(*(money.referrals.reward(34) for _ in range(10)))
    statuses = [r.status for r in results]
    assert statuses.count(ReferralStatus.REWARDED) == 1
    assert statuses.count(ReferralStatus.ALREADY_REWARDED) == 9
    assert (await money.ledger.account(referrer)).balance == 20


async def test_first_touches_at_once_register_the_user_once_with_their_referrer(
    money: Money,
) -> None:
    referrer = await money.user(40)
    names = [f"name{i}" for i in range(8)]
    users = await asyncio.gather(
        *(money.users.touch(41, name, "en", referrer_id=referrer) for name in names)
    )
    assert {u.id for u in users} == {41}
    stored = await money.users.get(41)
    assert stored is not None and stored.username in names and stored.language == "en"
    assert stored.referrer_id == referrer
    again = await money.users.touch(41, "renamed", "ru", referrer_id=None)
    assert (again.username, again.language, again.referrer_id) == ("renamed", "en", referrer)


async def test_referrer_is_set_once_and_never_self(money: Money) -> None:
    await money.user(35)
    await money.user(36)
    me = await money.user(37)
    assert not await money.users.set_referrer(me, me)
    assert not await money.users.set_referrer(me, 999)
    assert await money.users.set_referrer(me, 35)
    assert not await money.users.set_referrer(me, 36)
    assert not await money.users.set_referrer(35, me)  # no loops
    old = await money.users.touch(me, None, "ru", referrer_id=36)
    assert old.referrer_id == 35
    assert (await money.referrals.reward(36)).status is ReferralStatus.NO_REFERRER


async def test_settlement_captures_paid_jobs_and_pays_the_referral(money: Money) -> None:
    referrer = await money.user(38)
    await money.users.touch(39, None, "ru", referrer_id=referrer)
    await money.payments.credit_payment(39, 100, 50, "charge-s")
    await money.ledger.hold(39, 30, "hold-s")
    job = FakeJob("s", 39, "hold-s", 30)
    await asyncio.gather(*(money.settlement.capture(job) for _ in range(5)))
    await money.settlement.release(job)
    assert (await money.ledger.account(39)).balance == 70
    assert (await money.ledger.account(referrer)).balance == 20


async def test_settlement_release_returns_a_free_use_once(money: Money) -> None:
    user = await money.user(40)
    await money.quota.use_free(user, DAY, "free-1")
    job = FakeJob("f", user, "free-1")
    await asyncio.gather(*(money.settlement.release(job) for _ in range(5)))
    assert await money.quota.left(user, DAY) == 3
    await money.settlement.capture(FakeJob("n", user, None))  # free jobs without a key


async def test_a_free_jobs_capture_asks_one_question_and_keeps_the_use(
    money: Money, billing_url: str
) -> None:
    user = await money.user(41)
    await money.quota.use_free(user, DAY, "free-2")
    engine = create_engine(billing_url)
    ledger = Ledger(SqlLedgerStore(engine))
    seen: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", watch)
    try:
        result = await ledger.capture("free-2")  # a free use has no hold to charge
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", watch)
        await engine.dispose()
    assert result.status is SettleStatus.NOT_FOUND
    assert len(seen) == 1 and "ledger_entries" in seen[0]  # no lock, no transaction
    assert await money.quota.left(user, DAY) == 2  # still taken
    assert not await money.quota.return_free("no-such-job")
