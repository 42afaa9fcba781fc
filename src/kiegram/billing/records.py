"""Plain records the billing core and its storage exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EntryKind(StrEnum):
    """What a ledger entry records; the sign of its amount follows from the kind."""

    TOPUP = "topup"  # + units bought with Stars or by card
    HOLD = "hold"  # - units reserved for a generation
    CAPTURE = "capture"  # 0: the hold became a charge
    RELEASE = "release"  # + the hold came back
    GRANT = "grant"  # + an admin's gift
    DEDUCT = "deduct"  # - an admin's correction
    REFUND = "refund"  # - units taken back when a payment is refunded
    REFERRAL_BONUS = "referral_bonus"  # + the referrer's reward
    FREE_USE = "free_use"  # 0: one free generation taken
    PROMO = "promo"  # + units of a redeemed promo code


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A ledger entry to append; `settles` names the hold a capture or release closes."""

    user_id: int
    kind: EntryKind
    amount: int
    key: str
    settles: str | None = None
    job_id: str | None = None
    payment_id: str | None = None
    actor_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored ledger entry."""

    id: int
    user_id: int
    kind: EntryKind
    amount: int
    key: str
    settles: str | None
    job_id: str | None
    payment_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Account:
    """A user's money as of now: `balance` is spendable, `held` is reserved by open holds."""

    user_id: int
    balance: int
    held: int
    blocked: bool


@dataclass(frozen=True, slots=True)
class Payment:
    """A top-up as credited: Telegram Stars (XTR) or a card payment through a provider."""

    charge_id: str
    user_id: int
    units: int
    stars: int  # the amount paid, in `currency`'s smallest units (stars for XTR)
    created_at: datetime
    refunded_at: datetime | None
    currency: str = "XTR"


@dataclass(frozen=True, slots=True)
class FreeUse:
    """One free generation taken for a job."""

    user_id: int
    day: date
    job_key: str
    returned: bool


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as the bot and the admin panel see them."""

    id: int
    username: str | None
    language: str
    created_at: datetime
    referrer_id: int | None
    blocked: bool
    balance: int
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class DayStats:
    """One UTC day of the admin panel: new users, generations, Stars paid and refunded, units
    bought by card."""

    day: date
    new_users: int = 0
    generations: int = 0
    stars: int = 0
    refunded_stars: int = 0
    card_units: int = 0
