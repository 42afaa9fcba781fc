"""Card packs, amounts in the smallest units, receipts, and the settings' one-line errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kiegram.billing.cards import CardPack, card_checkout, major, minor, parse_card_packs
from kiegram.errors import ConfigError


def test_packs_are_parsed_in_the_currencys_smallest_units_and_sorted() -> None:
    packs = parse_card_packs("500:899.50; 100:199,", "rub")
    assert packs == (CardPack(100, 19900, "RUB"), CardPack(500, 89950, "RUB"))
    assert [p.code for p in packs] == ["100x19900", "500x89950"]


def test_a_currency_without_decimals_is_counted_whole() -> None:
    assert parse_card_packs("100:1500", "JPY") == (CardPack(100, 1500, "JPY"),)
    assert minor(Decimal("1500"), "JPY") == 1500 and major(1500, "JPY") == "1500"
    assert major(19900, "RUB") == "199.00"
    with pytest.raises(ValueError):
        minor(Decimal("1.5"), "JPY")


@pytest.mark.parametrize(
    ("packs", "currency", "named"),
    [
        ("100", "RUB", "CARD_PACKS"),
        ("100:abc", "RUB", "CARD_PACKS"),
        ("100:1.999", "RUB", "CARD_PACKS"),
        ("0:199", "RUB", "CARD_PACKS"),
        ("100:199", "XTR", "PAYMENT_CURRENCY"),
        ("100:199", "rubles", "PAYMENT_CURRENCY"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(packs: str, currency: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_card_packs(packs, currency)
    assert str(caught.value).startswith(named) and "\n" not in str(caught.value)


def test_card_payments_stay_off_without_a_token_and_need_packs_with_one() -> None:
    assert not card_checkout("", "RUB", "100:199", "", 1).enabled
    assert card_checkout("tok", "RUB", "100:199", "", 1).enabled
    with pytest.raises(ConfigError, match="CARD_PACKS is empty"):
        card_checkout("tok", "RUB", "", "", 1)
    with pytest.raises(ConfigError, match="PAYMENT_RECEIPT"):
        card_checkout("tok", "RUB", "100:199", "stripe", 1)


def test_yookassa_gets_its_receipt_and_other_providers_none() -> None:
    pack = CardPack(100, 19900, "RUB")
    plain = card_checkout("tok", "RUB", "100:199", "", 1)
    assert plain.provider_data(pack, "100 кр.") is None and not plain.need_email
    yookassa = card_checkout("tok", "RUB", "100:199", "yookassa", 4)
    assert yookassa.need_email
    data = yookassa.provider_data(pack, "100 кр.")
    assert data is not None
    item = json.loads(data)["receipt"]["items"][0]
    assert item == {
        "description": "100 кр.",
        "quantity": "1.00",
        "amount": {"value": "199.00", "currency": "RUB"},
        "vat_code": 4,
        "payment_mode": "full_payment",
        "payment_subject": "service",
    }
