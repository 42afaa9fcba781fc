"""Every user-facing string exists in Russian and English, and every key is used in the code.

A key counts as used when its full name appears in ``src/kiegram``; keys built at run time
(``_(f"delivery.error.{code}")``) are covered by the explicit prefixes below, whose last part
must appear in the code too (as a quoted value, an enum value or an attribute name).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from kiegram.bot.progress import Stage
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.jobs import JobState
from kiegram.jobs.model import ErrorCode
from kiegram.wizard import ScreenKind

SRC = Path(__file__).resolve().parents[2] / "src" / "kiegram"
LOCALES = SRC / "i18n"

# Keys whose last part is chosen at run time, by the prefix the code formats.
DYNAMIC_PREFIXES = (
    "recovery.",  # f"recovery.{code}" (bot.delivery: a failure after a crash)
    "admin.adjust.",  # f"admin.adjust.{status}"
    "admin.ask.",  # f"admin.ask.{callback_data.a}"
    "audit.conv.",  # f"audit.conv.{conv.kind}"
    "audit.media.",  # f"audit.media.{conv.detail}"
    "audit.menu.",  # f"audit.menu.{entry.menu}"
    "audit.problem.",  # f"audit.problem.{problem.code}"
    "audit.severity.",  # f"audit.severity.{problem.severity}"
    "bot.section.",  # f"bot.section.{section}"
    "chart.",  # f"chart.{key}" (titles and legend)
    "delivery.error.",  # f"delivery.error.{job.error_code}"
    "delivery.progress.",  # f"delivery.progress.{stage.value}"
    "history.state.",  # f"history.state.{job.state.value}"
    "wizard.ask_",  # f"wizard.ask_{kind.value}"
    "wizard.btn_",  # f"wizard.btn_{action.name.lower()}"
    "wizard.media_",  # f"wizard.media_{kind}"
    "wizard.many_",  # f"wizard.many_{kind}"
    "elements.count_",  # f"elements.count_{kind.value}" (wizard.media)
    "suno.above.",  # f"suno.above.{side}" (wizard.above)
    "suno.kie.",  # f"suno.kie.{reason}" (bot.delivery: KIE's Suno reasons)
)
# f"wizard.{screen.value}" for the screens that end a wizard.
SCREEN_KEYS = {
    f"wizard.{s.value}" for s in (ScreenKind.CONFIRMED, ScreenKind.CANCELLED, ScreenKind.CLOSED)
}


def _flat(prefix: str, table: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for key, value in table.items():
        full = f"{prefix}.{key}"
        keys |= _flat(full, value) if isinstance(value, dict) else {full}
    return keys


def _keys(lang: str, stem: str) -> set[str]:
    with (LOCALES / lang / f"{stem}.toml").open("rb") as handle:
        return _flat(stem, tomllib.load(handle))


def _stems(lang: str) -> set[str]:
    return {p.stem for p in (LOCALES / lang).glob("*.toml")}


SOURCE = "\n".join(p.read_text() for p in SRC.rglob("*.py"))
ALL_KEYS = sorted(set().union(*(_keys("ru", s) for s in _stems("ru"))))


def test_both_languages_have_the_same_area_files() -> None:
    assert _stems("ru") == _stems("en")


@pytest.mark.parametrize("stem", sorted(_stems("ru")))
def test_each_area_has_the_same_keys_in_both_languages(stem: str) -> None:
    ru, en = _keys("ru", stem), _keys("en", stem)
    assert ru - en == set(), f"missing in en: {sorted(ru - en)}"
    assert en - ru == set(), f"missing in ru: {sorted(en - ru)}"


def test_placeholders_match_between_languages() -> None:
    translator = load_translator()
    ru, en = translator.messages["ru"], translator.messages["en"]
    for key, template in ru.items():
        names = set(re.findall(r"{(\w+)}", template))
        assert names == set(re.findall(r"{(\w+)}", en[key])), key


# A follow-up names its result button in the catalog data (`ModelSpec.button_key`), and so
# may each of its parent references (`ParentRef.button`: Gemini Omni's voice and character).
BUTTONS = {s.button_key for s in load_catalog() if s.button} | {
    f.parent.button for s in load_catalog() for f in s.inputs if f.parent and f.parent.button
}


def _used(key: str) -> bool:
    if key in SOURCE or key in SCREEN_KEYS or key in BUTTONS:
        return True
    for prefix in DYNAMIC_PREFIXES:
        last = key.removeprefix(prefix)
        if key.startswith(prefix) and "." not in last:
            return re.search(rf"\b{re.escape(last)}\b", SOURCE) is not None
    return False


def test_every_key_is_used_in_the_code() -> None:
    unused = [key for key in ALL_KEYS if not _used(key)]
    assert unused == []


def test_every_dynamic_prefix_is_formatted_somewhere() -> None:
    for prefix in (*DYNAMIC_PREFIXES, "wizard."):
        assert f'f"{prefix}{{' in SOURCE, prefix


def test_every_job_error_stage_and_state_has_its_message() -> None:
    translator = load_translator()
    for code in ErrorCode:
        assert translator.has(f"delivery.error.{code.value}"), code
    for stage in Stage:
        assert translator.has(f"delivery.progress.{stage.value}"), stage
    for state in JobState:
        assert translator.has(f"history.state.{state.value}"), state
