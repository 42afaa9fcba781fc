"""The audit's ru and en messages have the same keys and cover every code the audit emits."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from kiegram.catalog.audit import ConversionKind, ProblemCode, Severity
from kiegram.catalog.menu import MENU_SECTIONS
from kiegram.catalog.spec import MediaKind
from kiegram.i18n import load_translator
from kiegram.i18n.translator import LOCALE_DIR


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def _messages(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "audit.toml").open("rb") as handle:
        return _flat(tomllib.load(handle))


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_ru_and_en_have_the_same_keys_and_placeholders() -> None:
    ru, en = _messages("ru"), _messages("en")
    assert set(ru) == set(en)
    for key in ru:
        assert _fields(ru[key]) == _fields(en[key]), key


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_code_has_a_message(lang: str) -> None:
    tr = load_translator()
    needed = [
        *(f"audit.problem.{c}" for c in ProblemCode),
        *(f"audit.conv.{c}" for c in ConversionKind),
        *(f"audit.severity.{s}" for s in Severity),
        *(f"audit.menu.{section}" for section in MENU_SECTIONS),
        *(f"audit.media.{m}" for m in (*MediaKind, "file")),
    ]
    table = tr.messages[lang]
    assert [key for key in needed if key not in table] == []


def test_locale_files_live_where_the_translator_reads_them() -> None:
    assert (Path(LOCALE_DIR) / "ru" / "audit.toml").is_file()
