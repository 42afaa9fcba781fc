"""The audit's ru and en messages have the same keys and cover every code the audit emits."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from kiegram.catalog.audit import ConversionKind, ProblemCode, Severity
from kiegram.catalog.kinds import MediaKind
from kiegram.catalog.menu import MENU_SECTIONS
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


@pytest.mark.parametrize(
    ("details", "ru", "en"),
    [
        ("8", "8 кредитов в секунду", "8 credits per second"),
        ("21", "21 кредит в секунду", "21 credits per second"),
        # Russian writes decimals with a comma, English with a point.
        ("0.2", "0,2 кредита в секунду", "0.2 credits per second"),
        ("3.24", "3,24 кредита в секунду", "3.24 credits per second"),
        ("0.06–0.5", "0,06–0,5 кредита в секунду", "0.06–0.5 credits per second"),
        # A range agrees with its last number, as Russian says it: "16–24 кредита".
        ("16–24", "16–24 кредита в секунду", "16–24 credits per second"),
        ("28–48", "28–48 кредитов в секунду", "28–48 credits per second"),
        ("3–1", "3–1 кредит в секунду", "3–1 credit per second"),
    ],
)
def test_a_per_second_price_takes_the_plural_of_its_last_number(
    details: str, ru: str, en: str
) -> None:
    tr = load_translator()
    assert ru in tr("ru", "audit.problem.per_second", input="audio_url", details=details)
    assert en in tr("en", "audit.problem.per_second", input="audio_url", details=details)


def test_a_number_rounded_to_whole_numbers_reads_as_an_integer() -> None:
    from kiegram.catalog import load_catalog
    from kiegram.catalog.audit_checks import conversions

    catalog = load_catalog()
    rounded = [
        (spec, field)
        for spec in catalog
        for field in spec.inputs
        if field.kind.value == "number" and field.decimals == 0
    ]
    assert rounded, "the catalog has numbers rounded to whole numbers (seeds)"
    for spec, field in rounded:
        kinds = [c.kind for c in conversions(spec) if c.input == field.name]
        assert kinds == [ConversionKind.INTEGER], (spec.id, field.name)
