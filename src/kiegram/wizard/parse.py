"""Typed answers into values: text, numbers, choices, booleans; refusals name the input."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from kiegram.catalog import InputKind, InputSpec, Label, Value
from kiegram.catalog.spec import dump_value
from kiegram.wizard.errors import InvalidAnswer

TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1", "да", "д", "вкл", "+"})
FALSE_WORDS = frozenset({"false", "no", "n", "off", "0", "нет", "н", "выкл", "-"})
MAX_LISTED = 20  # options listed in a "not an option" message


def param_of(field: InputSpec) -> Label | str:
    """What a message calls the input: its label, else KIE's name."""
    return field.label or field.name


# Characters that show nothing: a prompt made only of them is as empty as a blank one.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"))


def parse_text(field: InputSpec, raw: str, exact: bool = False) -> str:
    """Text within the input's length limits (never cut), its inner whitespace as written;
    leading and trailing whitespace is stripped unless `exact`."""
    text = raw if exact else raw.strip()
    if not text.translate(INVISIBLE).strip():
        raise InvalidAnswer("wizard.err_empty", param=param_of(field))
    if field.max_length is not None and len(text) > field.max_length:
        raise InvalidAnswer(
            "wizard.err_too_long", param=param_of(field), limit=field.max_length, length=len(text)
        )
    if field.min_length is not None and len(text) < field.min_length:
        raise InvalidAnswer(
            "wizard.err_too_short", param=param_of(field), limit=field.min_length, length=len(text)
        )
    if field.pattern is not None and re.fullmatch(field.pattern, text) is None:
        raise InvalidAnswer(
            "elements.err_pattern", param=param_of(field), hint=field.pattern_hint or ""
        )
    return text.lower() if field.lowercase else text


def decimals_of(field: InputSpec) -> int | None:
    """Decimal places to keep: documented, else from the step; 0 for integers."""
    if field.decimals is not None:
        return field.decimals
    if field.kind is InputKind.INTEGER:
        return 0
    if field.step:
        exponent = Decimal(str(field.step)).normalize().as_tuple().exponent
        return max(0, -int(exponent))
    return None


def normalise_number(field: InputSpec, value: float) -> int | float:
    """Round to the step and the decimals, keep within range; integral values as int."""
    number = Decimal(str(value))
    if field.step:
        base = Decimal(str(field.min)) if field.min is not None else Decimal(0)
        step = Decimal(str(field.step))
        number = base + ((number - base) / step).to_integral_value(ROUND_HALF_UP) * step
    places = decimals_of(field)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if field.min is not None:
        number = max(number, Decimal(str(field.min)))
    if field.max is not None:
        number = min(number, Decimal(str(field.max)))
    if field.kind is InputKind.INTEGER or number == number.to_integral_value():
        return int(number)
    return float(number)


def parse_number(field: InputSpec, raw: str) -> int | float:
    """A number from "5", "5.0", "5,5" or " 7 ", range-checked, then rounded."""
    cleaned = raw.strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    try:
        value = float(Decimal(cleaned))
    except (InvalidOperation, ValueError):
        raise InvalidAnswer("wizard.err_not_number", param=param_of(field)) from None
    if not math.isfinite(value):
        raise InvalidAnswer("wizard.err_not_number", param=param_of(field))
    check_range(field, value)
    return normalise_number(field, value)


def check_range(field: InputSpec, value: float) -> None:
    """Refuse a number outside [min, max], naming the limits that exist."""
    low, high = field.min, field.max
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            key = "wizard.err_range"
        elif low is not None:
            key = "wizard.err_below"
        else:
            key = "wizard.err_above"
        raise InvalidAnswer(key, param=param_of(field), min=show(low), max=show(high))


def show(number: float | None) -> str:
    """A limit as people write it: 5 rather than 5.0."""
    return "" if number is None else dump_value(number)


def parse_boolean(field: InputSpec, raw: str) -> bool:
    """true/false, yes/no, да/нет, on/off, 1/0, вкл/выкл."""
    word = raw.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidAnswer("wizard.err_not_boolean", param=param_of(field))


def parse_choice(field: InputSpec, raw: str, offered: Callable[[Value], bool]) -> Value:
    """One of the offered option values, matched case-insensitively or by a ru/en label."""
    word = raw.strip().casefold()
    for option in field.options:
        names = [dump_value(option.value)]
        if option.label is not None:
            names += [option.label.ru, option.label.en]
        if word in (n.strip().casefold() for n in names) and offered(option.value):
            return option.value
    allowed = [dump_value(o.value) for o in field.options if offered(o.value)]
    raise InvalidAnswer("wizard.err_not_option", param=param_of(field), allowed=listing(allowed))


def listing(items: Sequence[str]) -> str:
    """A comma-separated list, shortened past MAX_LISTED items."""
    head = ", ".join(items[:MAX_LISTED])
    return head + (", …" if len(items) > MAX_LISTED else "")


def is_http_url(text: str) -> bool:
    """True for a well-formed absolute http(s) URL without spaces."""
    if any(c.isspace() for c in text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
