"""Money: prices, the ledger (hold/capture/release), Stars top-ups, free quota, referrals,
promo codes."""

from kiegram.billing.errors import BillingError, InvalidAmount, KeyConflict, UnknownUser
from kiegram.billing.ledger import Ledger
from kiegram.billing.packs import StarsPack, find_pack, parse_packs
from kiegram.billing.payments import Payments
from kiegram.billing.pricing import PriceRules
from kiegram.billing.promo import PromoCode, PromoResult, Promos, PromoStatus
from kiegram.billing.quota import FreeQuota, utc_today
from kiegram.billing.records import (
    Account,
    DayStats,
    Entry,
    EntryKind,
    FreeUse,
    NewEntry,
    Payment,
    UserInfo,
)
from kiegram.billing.referrals import Referrals, referral_key
from kiegram.billing.results import (
    AdjustResult,
    AdjustStatus,
    FreeResult,
    FreeStatus,
    HoldResult,
    HoldStatus,
    PaymentResult,
    PaymentStatus,
    ReferralResult,
    ReferralStatus,
    SettleResult,
    SettleStatus,
)
from kiegram.billing.settlement import BilledJob, LedgerSettlement
from kiegram.billing.switches import ModelSwitches, SwitchBoard, option_key

__all__ = [
    "Account",
    "AdjustResult",
    "AdjustStatus",
    "BilledJob",
    "BillingError",
    "DayStats",
    "Entry",
    "EntryKind",
    "FreeQuota",
    "FreeResult",
    "FreeStatus",
    "FreeUse",
    "HoldResult",
    "HoldStatus",
    "InvalidAmount",
    "KeyConflict",
    "Ledger",
    "LedgerSettlement",
    "ModelSwitches",
    "NewEntry",
    "Payment",
    "PaymentResult",
    "PaymentStatus",
    "Payments",
    "PriceRules",
    "PromoCode",
    "PromoResult",
    "PromoStatus",
    "Promos",
    "ReferralResult",
    "ReferralStatus",
    "Referrals",
    "SettleResult",
    "SettleStatus",
    "StarsPack",
    "SwitchBoard",
    "UnknownUser",
    "UserInfo",
    "find_pack",
    "option_key",
    "parse_packs",
    "referral_key",
    "utc_today",
]
