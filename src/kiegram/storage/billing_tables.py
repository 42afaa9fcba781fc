"""Tables of the money core: users, ledger entries, payments, free uses, referrals, switches,
promo codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiegram.storage.db import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """The current time in UTC (every stored timestamp is UTC)."""
    return datetime.now(UTC)


class User(Base):
    """A Telegram user with a cached balance (always the sum of their ledger entries) and
    the cached sum of their open holds."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("held >= 0", name="held_not_negative"),  # a trigger on SQLite: 0005
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8), default="ru")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    referrer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    # The sum of the open holds (already taken out of `balance`), moved in the same
    # transactions as the balance: reading it does not walk the user's history.
    held: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class LedgerEntry(Base):
    """One money movement; `key` makes it idempotent, `settles` closes a hold at most once."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    settles: Mapped[str | None] = mapped_column(String(200), unique=True)
    job_id: Mapped[str | None] = mapped_column(String(64))
    payment_id: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_ledger_entries_kind_created_at", "kind", "created_at"),)


class PaymentRow(Base):
    """A Telegram Stars payment, keyed by its charge id so it is credited once."""

    __tablename__ = "payments"

    charge_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    units: Mapped[int] = mapped_column(BigInteger)
    stars: Mapped[int] = mapped_column(BigInteger)  # the amount, in `currency`'s smallest units
    currency: Mapped[str] = mapped_column(String(8), default="XTR", server_default="XTR")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FreeUseRow(Base):
    """One free generation; `job_key` is unique so a job takes at most one."""

    __tablename__ = "free_uses"
    __table_args__ = (
        Index("ix_free_uses_user_id_day", "user_id", "day"),
        Index("ix_free_uses_created_at", "created_at"),  # the orphan sweeper's window
    )

    job_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    returned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Referral(Base):
    """Who invited whom (one referrer per invited user) and when the bonus was paid."""

    __tablename__ = "referrals"

    invited_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), primary_key=True)
    referrer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rewarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ModelSwitch(Base):
    """An admin's on/off switch for a model (option "") or one option ("name=value")."""

    __tablename__ = "model_switches"

    model_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    option: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PromoCodeRow(Base):
    """An admin's promo code; its redemptions are ledger entries keyed `promo:<code>:<user>`."""

    __tablename__ = "promo_codes"
    __table_args__ = (CheckConstraint("used <= max_uses", name="used_within_max"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    units: Mapped[int] = mapped_column(BigInteger)
    max_uses: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
