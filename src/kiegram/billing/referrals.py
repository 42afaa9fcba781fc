"""The referral bonus: the referrer earns once when an invited user's generation succeeds."""

from __future__ import annotations

from kiegram.billing.ledger import locked
from kiegram.billing.ports import LedgerStore
from kiegram.billing.records import EntryKind, NewEntry
from kiegram.billing.results import ReferralResult, ReferralStatus


def referral_key(referrer_id: int, invited_id: int) -> str:
    """The bonus's idempotency key: one per (referrer, invited) pair."""
    return f"referral:{referrer_id}:{invited_id}"


class Referrals:
    """Pays `bonus` units to the referrer on the invited user's first successful generation."""

    def __init__(self, store: LedgerStore, bonus: int) -> None:
        self._store = store
        self.bonus = bonus

    async def reward(self, invited_id: int) -> ReferralResult:
        """Call after every successful generation; only the first one per pair pays."""
        if self.bonus <= 0:
            return ReferralResult(ReferralStatus.DISABLED)
        referrer = await self._store.referrer(invited_id)
        if referrer is None:
            return ReferralResult(ReferralStatus.NO_REFERRER)
        key = referral_key(referrer, invited_id)
        async with self._store.transaction() as tx:
            await locked(tx, referrer)
            if await tx.entry(key) is not None:
                return ReferralResult(ReferralStatus.ALREADY_REWARDED, referrer, self.bonus)
            entry = NewEntry(
                referrer, EntryKind.REFERRAL_BONUS, self.bonus, key, actor_id=invited_id
            )
            await tx.append(entry)
            await tx.referral_rewarded(invited_id)
        return ReferralResult(ReferralStatus.REWARDED, referrer, self.bonus)
