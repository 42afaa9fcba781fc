"""Top-ups (Telegram Stars or a card through a payment provider) and their refunds, each
recorded exactly once per Telegram charge id."""

from __future__ import annotations

from kiegram.billing.errors import InvalidAmount, KeyConflict
from kiegram.billing.ledger import locked
from kiegram.billing.ports import LedgerStore
from kiegram.billing.records import EntryKind, NewEntry
from kiegram.billing.results import PaymentResult, PaymentStatus


class Payments:
    """Credits successful payments and records refunds (Telegram's own calls are the bot's)."""

    def __init__(self, store: LedgerStore) -> None:
        self._store = store

    async def credit_payment(
        self,
        user_id: int,
        units: int,
        stars: int,
        telegram_charge_id: str,
        currency: str = "XTR",
    ) -> PaymentResult:
        """Credit `units` for a successful payment of `stars` (the amount in `currency`'s
        smallest units); a repeated update credits nothing."""
        if units <= 0 or stars <= 0:
            raise InvalidAmount(f"a payment needs positive units and amount, got {units}/{stars}")
        charge = telegram_charge_id
        async with self._store.transaction() as tx:
            account = await locked(tx, user_id)
            known = await tx.payment(charge)
            if known is not None:
                if known.user_id != user_id:
                    raise KeyConflict(charge)
                return PaymentResult(PaymentStatus.ALREADY_CREDITED, known.units, account.balance)
            await tx.add_payment(charge, user_id, units, stars, currency)
            entry = NewEntry(user_id, EntryKind.TOPUP, units, f"topup:{charge}", payment_id=charge)
            return PaymentResult(PaymentStatus.CREDITED, units, await tx.append(entry))

    async def refund_payment(self, charge_id: str) -> PaymentResult:
        """Take the payment's units back once; units already spent are reported, not taken."""
        known = await self._store.payment(charge_id)
        if known is None:
            return PaymentResult(PaymentStatus.NOT_FOUND)
        async with self._store.transaction() as tx:
            account = await locked(tx, known.user_id)
            payment = await tx.payment(charge_id)
            if payment is None:
                return PaymentResult(PaymentStatus.NOT_FOUND)
            if payment.refunded_at is not None:
                refunded = await tx.entry(f"refund:{charge_id}")
                took = -refunded.amount if refunded else 0
                return PaymentResult(
                    PaymentStatus.ALREADY_REFUNDED, took, account.balance, payment.units - took
                )
            take = min(payment.units, account.balance)
            entry = NewEntry(
                known.user_id, EntryKind.REFUND, -take, f"refund:{charge_id}", payment_id=charge_id
            )
            balance = await tx.append(entry)
            await tx.mark_refunded(charge_id)
            return PaymentResult(PaymentStatus.REFUNDED, take, balance, payment.units - take)
