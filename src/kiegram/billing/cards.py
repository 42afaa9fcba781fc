"""Card top-ups through a Telegram payment provider: packs in a real currency and receipts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kiegram.errors import ConfigError

STARS = "XTR"
# Currencies Telegram counts without a fractional part (its currencies.json "exp": 0);
# every other supported currency has two decimals, which is all the providers we target use.
WHOLE_CURRENCIES = frozenset(
    {"CLP", "COP", "HUF", "IDR", "ISK", "JPY", "KRW", "PYG", "TWD", "UGX", "VND"}
)
RECEIPTS = ("", "yookassa")


def exponent(currency: str) -> int:
    """Digits after the point in `currency`'s amounts (Telegram sends the smallest units)."""
    return 0 if currency.upper() in WHOLE_CURRENCIES else 2


def minor(amount: Decimal, currency: str) -> int:
    """`amount` in the smallest units Telegram expects (199.00 RUB -> 19900)."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def major(amount_minor: int, currency: str) -> str:
    """The amount as people write it, with the currency's decimals ("199.00")."""
    digits = exponent(currency)
    return f"{Decimal(amount_minor).scaleb(-digits):.{digits}f}"


@dataclass(frozen=True, slots=True)
class CardPack:
    """One card invoice the bot offers: `units` for `amount` smallest units of `currency`."""

    units: int
    amount: int
    currency: str

    @property
    def code(self) -> str:
        """A short id for callback data and invoice payloads."""
        return f"{self.units}x{self.amount}"


def parse_card_packs(text: str, currency: str) -> tuple[CardPack, ...]:
    """Parse "100:199,500:899.50" (units:price in `currency`) into packs sorted by units."""
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha() or currency == STARS:
        raise ConfigError(
            f"PAYMENT_CURRENCY {currency!r} is not a three-letter currency code such as RUB"
        )
    packs: set[CardPack] = set()
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        units_text, _sep, price_text = part.strip().partition(":")
        try:
            units, price = int(units_text), Decimal(price_text)
            amount = minor(price, currency)
        except (ValueError, InvalidOperation) as exc:
            raise ConfigError(
                f"CARD_PACKS item {part.strip()!r} is not units:price (e.g. 100:199)"
            ) from exc
        if units < 1 or amount < 1:
            raise ConfigError(f"CARD_PACKS item {part.strip()!r} must be positive")
        packs.add(CardPack(units, amount, currency))
    return tuple(sorted(packs, key=lambda p: (p.units, p.amount)))


def find_card_pack(packs: tuple[CardPack, ...], code: str) -> CardPack | None:
    """The pack with this code (from an invoice payload)."""
    return next((p for p in packs if p.code == code), None)


@dataclass(frozen=True, slots=True)
class CardCheckout:
    """How card invoices are issued: the provider, the packs and the receipt the provider wants.

    `receipt` "yookassa" asks the buyer's e-mail and sends the fiscal receipt YooKassa requires
    (54-FZ) in `provider_data`, with `vat_code` (1 = without VAT).
    """

    provider_token: str
    packs: tuple[CardPack, ...]
    receipt: str = ""
    vat_code: int = 1

    @property
    def enabled(self) -> bool:
        """True when card payments can be offered (a provider token and at least one pack)."""
        return bool(self.provider_token and self.packs)

    @property
    def need_email(self) -> bool:
        """True when the provider needs the buyer's e-mail for its receipt."""
        return self.receipt == "yookassa"

    def provider_data(self, pack: CardPack, description: str) -> str | None:
        """The JSON the provider gets with the invoice (YooKassa's receipt), or None."""
        if self.receipt != "yookassa":
            return None
        item = {
            "description": description[:128],
            "quantity": "1.00",
            "amount": {"value": major(pack.amount, pack.currency), "currency": pack.currency},
            "vat_code": self.vat_code,
            "payment_mode": "full_payment",
            "payment_subject": "service",
        }
        return json.dumps({"receipt": {"items": [item]}}, ensure_ascii=False)


def card_checkout(
    provider_token: str, currency: str, packs_text: str, receipt: str, vat_code: int
) -> CardCheckout:
    """The card settings checked once at start-up (ConfigError naming the setting)."""
    if receipt not in RECEIPTS:
        raise ConfigError(f"PAYMENT_RECEIPT {receipt!r} is not one of: none (empty), yookassa")
    if not provider_token:
        return CardCheckout("", ())
    packs = parse_card_packs(packs_text, currency)
    if not packs:
        raise ConfigError("PAYMENT_PROVIDER_TOKEN is set but CARD_PACKS is empty (e.g. 100:199)")
    return CardCheckout(provider_token, packs, receipt, vat_code)
