"""Billing errors, grouped by what the caller can do about them."""

from __future__ import annotations

from kiegram.errors import KiegramError


class BillingError(KiegramError):
    """Base class of every billing error."""


class UnknownUser(BillingError):
    """The user has no account yet; the bot registers users on their first update."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} is not registered")
        self.user_id = user_id


class InvalidAmount(BillingError):
    """An amount is zero, negative or otherwise unusable for this operation."""


class KeyConflict(BillingError):
    """An idempotency key is already used by a different kind of entry or another user."""

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} belongs to a different operation")
        self.key = key
