"""Card invoices: what they carry, how a checkout is checked, how one is sent."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import LabeledPrice

from kiegram.billing.cards import CardCheckout, CardPack, find_card_pack, major
from kiegram.bot.deps import Text

PAYLOAD_PREFIX = "c"


class BuyCard(CallbackData, prefix="card"):
    """Buy a card pack (its code, e.g. "100x19900")."""

    code: str


@dataclass(frozen=True, slots=True)
class CardPayload:
    """What a card invoice carries: the pack (units for an amount of a currency), the buyer."""

    units: int
    amount: int
    currency: str
    user_id: int

    def text(self) -> str:
        """ "c:<pack code>:<currency>:<user id>" (well under Telegram's 128 bytes)."""
        return f"{PAYLOAD_PREFIX}:{self.units}x{self.amount}:{self.currency}:{self.user_id}"


def parse_card_payload(text: str) -> CardPayload | None:
    """Read a card invoice payload back; None for anything else."""
    parts = text.split(":")
    if len(parts) != 4 or parts[0] != PAYLOAD_PREFIX:
        return None
    units, _x, amount = parts[1].partition("x")
    numbers = (units, amount, parts[3])
    if not (all(n.isdigit() for n in numbers) and len(parts[2]) == 3 and parts[2].isalpha()):
        return None
    return CardPayload(int(units), int(amount), parts[2], int(parts[3]))


def card_problem(
    payload: str, user_id: int, currency: str, total: int, cards: CardCheckout
) -> str | None:
    """Why a card pre-checkout must be refused (a message key), or None when it may proceed.

    A pack the operator has since removed or repriced is refused: the buyer gets the current
    packs instead of units at yesterday's price."""
    parsed = parse_card_payload(payload)
    if parsed is None or parsed.user_id != user_id:
        return "balance.refuse.bad_invoice"
    if not cards.enabled:
        return "balance.refuse.pack_gone"
    pack = find_card_pack(cards.packs, f"{parsed.units}x{parsed.amount}")
    if pack is None:
        return "balance.refuse.pack_gone"
    if currency != pack.currency or total != pack.amount:
        return "balance.refuse.bad_amount"
    return None


def card_matches(parsed: CardPayload | None, user_id: int, currency: str, total: int) -> bool:
    """True when a successful card payment is for an invoice we issued to this user, at its
    price and currency (a pack changed since is still credited: the buyer has paid)."""
    if parsed is None:
        return False
    return parsed.user_id == user_id and total == parsed.amount and currency == parsed.currency


def pack_label(pack: CardPack, _: Text) -> str:
    """A card pack's button: "100 кр. — 199,00 RUB" (in Russian)."""
    return _(
        "cards.pack",
        units=pack.units,
        price=major(pack.amount, pack.currency),
        currency=pack.currency,
    )


async def send_card_invoice(
    bot: Bot, user_id: int, pack: CardPack, cards: CardCheckout, _: Text
) -> None:
    """The provider's invoice for `pack`, with the receipt the provider requires."""
    title = _("balance.invoice_title", units=pack.units)
    description = _("balance.invoice_description", units=pack.units)
    await bot.send_invoice(
        chat_id=user_id,
        title=title,
        description=description,
        payload=CardPayload(pack.units, pack.amount, pack.currency, user_id).text(),
        currency=pack.currency,
        prices=[LabeledPrice(label=title, amount=pack.amount)],
        provider_token=cards.provider_token,
        need_email=cards.need_email or None,
        send_email_to_provider=cards.need_email or None,
        provider_data=cards.provider_data(pack, title),
    )
