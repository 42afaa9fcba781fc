"""The jobs engine's settlement seam: capture on success, release on failure, once."""

from __future__ import annotations

from typing import Protocol

from kiegram.billing.ledger import Ledger
from kiegram.billing.quota import FreeQuota
from kiegram.billing.referrals import Referrals
from kiegram.billing.results import SettleStatus


class BilledJob(Protocol):
    """What settlement reads from a job (the jobs package's record fits)."""

    @property
    def user_id(self) -> int: ...

    @property
    def hold_key(self) -> str | None: ...


class LedgerSettlement:
    """Settles a job's money: its hold, or its free use; safe to call any number of times."""

    def __init__(self, ledger: Ledger, quota: FreeQuota, referrals: Referrals) -> None:
        self._ledger = ledger
        self._quota = quota
        self._referrals = referrals

    async def capture(self, job: BilledJob) -> None:
        """The job succeeded: charge its hold (a free use stays taken) and pay any referral.

        A job with neither (a free model's, an admin's) moves no money, not even a referral bonus.
        """
        if job.hold_key is None:
            return
        await self._ledger.capture(job.hold_key)
        await self._referrals.reward(job.user_id)

    async def release(self, job: BilledJob) -> None:
        """The job failed, timed out or was cancelled: return its hold or its free use."""
        if job.hold_key is None:
            return
        result = await self._ledger.release(job.hold_key)
        if result.status is SettleStatus.NOT_FOUND:
            await self._quota.return_free(job.hold_key)
