"""Typed outcomes of money operations, so callers branch without catching exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HoldStatus(StrEnum):
    """What hold() did."""

    PLACED = "placed"
    ALREADY_PLACED = "already_placed"  # the same key was held before: a double tap
    ALREADY_SETTLED = "already_settled"  # the key's hold was captured or released already
    INSUFFICIENT = "insufficient"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class HoldResult:
    """The outcome of hold(); `shortfall` is what a top-up must add when INSUFFICIENT."""

    status: HoldStatus
    amount: int
    balance: int
    shortfall: int = 0

    @property
    def ok(self) -> bool:
        """True when the generation may start (the hold exists now)."""
        return self.status in (HoldStatus.PLACED, HoldStatus.ALREADY_PLACED)


class SettleStatus(StrEnum):
    """What capture() or release() did."""

    CAPTURED = "captured"
    RELEASED = "released"
    ALREADY_CAPTURED = "already_captured"
    ALREADY_RELEASED = "already_released"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class SettleResult:
    """The outcome of capture() or release(); `moved` is False for every no-op."""

    status: SettleStatus
    amount: int = 0

    @property
    def moved(self) -> bool:
        """True when this call (not an earlier one) settled the hold."""
        return self.status in (SettleStatus.CAPTURED, SettleStatus.RELEASED)


class PaymentStatus(StrEnum):
    """What credit_payment() or refund_payment() did."""

    CREDITED = "credited"
    ALREADY_CREDITED = "already_credited"
    REFUNDED = "refunded"
    ALREADY_REFUNDED = "already_refunded"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The outcome of a payment operation; `unrecovered` units were spent before a refund."""

    status: PaymentStatus
    units: int = 0
    balance: int = 0
    unrecovered: int = 0


class AdjustStatus(StrEnum):
    """What grant() or deduct() did."""

    DONE = "done"
    ALREADY_DONE = "already_done"
    INSUFFICIENT = "insufficient"


@dataclass(frozen=True, slots=True)
class AdjustResult:
    """The outcome of an admin grant or deduction."""

    status: AdjustStatus
    balance: int
    shortfall: int = 0


class FreeStatus(StrEnum):
    """What use_free() did."""

    TAKEN = "taken"
    ALREADY_TAKEN = "already_taken"  # this job already has its free use
    EXHAUSTED = "exhausted"  # the day's quota is spent
    NOT_ELIGIBLE = "not_eligible"  # the model costs more than the free limit


@dataclass(frozen=True, slots=True)
class FreeResult:
    """The outcome of use_free(); `left` is what remains for that day."""

    status: FreeStatus
    left: int

    @property
    def ok(self) -> bool:
        """True when the job runs for free."""
        return self.status in (FreeStatus.TAKEN, FreeStatus.ALREADY_TAKEN)


class ReferralStatus(StrEnum):
    """What a referral reward did."""

    REWARDED = "rewarded"
    ALREADY_REWARDED = "already_rewarded"
    NO_REFERRER = "no_referrer"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class ReferralResult:
    """The outcome of a referral reward; `referrer_id` is set when there is one."""

    status: ReferralStatus
    referrer_id: int | None = None
    amount: int = 0
