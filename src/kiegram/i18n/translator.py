"""Loads locale files and formats messages by key.

Plurals: a number's format spec may list the word's forms, `{n:кредит|кредита|кредитов}`
(Russian: one, few, many) or `{n:credit|credits}`; the form fitting the number in the
message's language is put in its place (the number itself is written as `{n}`).

Numbers: a number (or a range of numbers) given as a value is written as the message's
language writes it: Russian puts a comma before the decimals (`3,24 кредита`), English a point.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiegram.errors import KiegramError

LANGS = ("ru", "en")
DEFAULT_LANG = "ru"
LOCALE_DIR = Path(__file__).parent
DECIMAL_MARK = {"ru": ","}  # the languages that do not write decimals with a point


NUMBER = re.compile(r"-?\d+([.,]\d+)?")
# A range of numbers ("16–24"): the word agrees with its last number (16–24 кредита).
RANGE = re.compile(r"-?\d+(?:[.,]\d+)?\s*[–-]\s*(-?\d+(?:[.,]\d+)?)")


class MissingKeyError(KiegramError):
    """A message key is in no locale file."""


def plural_form(lang: str, number: Decimal, count: int) -> int:
    """The index of the plural form for `number` among `count` forms."""
    if number != number.to_integral_value():
        return min(1, count - 1)  # 2,5 кредита / 2.5 credits
    n = abs(int(number))
    if lang != "ru" or count < 3:
        return 0 if n == 1 else min(1, count - 1)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


class Counted:
    """A value that formats as itself, or as its plural word when the spec lists forms."""

    __slots__ = ("lang", "number", "value")

    def __init__(self, value: Any, number: Decimal, lang: str) -> None:
        self.value = value
        self.number = number
        self.lang = lang

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            forms = spec.split("|")
            return forms[plural_form(self.lang, self.number, len(forms))]
        shown = format(self.value, spec)
        mark = DECIMAL_MARK.get(self.lang)
        return shown if mark is None else shown.replace(".", mark)

    def __str__(self) -> str:
        return str(self.value)


def _counted(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal | float):
        return Counted(value, Decimal(str(value)), lang)
    if isinstance(value, str) and NUMBER.fullmatch(value):
        return Counted(value, Decimal(value.replace(",", ".")), lang)
    span = RANGE.fullmatch(value) if isinstance(value, str) else None
    if span is not None:
        return Counted(value, Decimal(span.group(1).replace(",", ".")), lang)
    return value


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


class Translator:
    """Formats messages by key in one of the supported languages."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = messages

    def __call__(self, lang: str, key: str, /, **values: Any) -> str:
        table = self.messages.get(lang) or self.messages[DEFAULT_LANG]
        template = table.get(key) or self.messages[DEFAULT_LANG].get(key)
        if template is None:
            raise MissingKeyError(f"no message {key!r}")
        if not values:
            return template
        shown = lang if lang in self.messages else DEFAULT_LANG
        return template.format(**{k: _counted(v, shown) for k, v in values.items()})

    def has(self, key: str) -> bool:
        """True when `key` exists in the default language."""
        return key in self.messages[DEFAULT_LANG]


def load_translator(root: Path = LOCALE_DIR) -> Translator:
    """Read every <lang>/*.toml file; a file's name is its keys' first part."""
    messages: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        table: dict[str, str] = {}
        for path in sorted((root / lang).glob("*.toml")):
            with path.open("rb") as handle:
                _flatten(path.stem, tomllib.load(handle), table)
        messages[lang] = table
    return Translator(messages)


def pick_lang(language_code: str | None) -> str:
    """The user's language: English when Telegram says so, Russian otherwise."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG
