"""Loads locale files and formats messages by key."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiegram.errors import KiegramError

LANGS = ("ru", "en")
DEFAULT_LANG = "ru"
LOCALE_DIR = Path(__file__).parent


class MissingKeyError(KiegramError):
    """A message key is in no locale file."""


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
        return template.format(**values) if values else template

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
