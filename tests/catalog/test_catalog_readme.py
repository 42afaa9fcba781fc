"""The README's catalog counts are the audit's and the menu's."""

from __future__ import annotations

import re
from pathlib import Path

from kie_schemas import vendored

from kiegram.bot.keyboards import section_models
from kiegram.catalog import load_catalog
from kiegram.catalog.followups import is_followup
from kiegram.catalog.menu import MENU_SECTIONS
from kiegram.i18n import load_translator

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## The catalog", 1)[1].split("\n## ", 1)[0]


def test_the_readme_counts_the_catalog_as_the_audit_does() -> None:
    catalog = load_catalog()
    ids = {m["model"] for m in vendored()["models"]}
    kie = [s for s in catalog if s.id in ids]
    followups = [s for s in catalog if s.id not in ids and is_followup(s)]
    # Actions of KIE's dedicated APIs that are models of their own (Suno lyrics).
    extras = [s for s in catalog if s.id not in ids and not is_followup(s)]
    usable = [s for s in kie if s.usable]
    off = [s for s in catalog if s.usable and s.off_by_default]
    text = " ".join(_section().split())
    expected = f"{len(kie)} KIE models, {len(usable)} offered, {len(kie) - len(usable)} held"
    assert expected in text
    assert f"plus {len([s for s in followups if s.usable])} follow-ups" in text
    assert (
        f"models of the dedicated APIs beyond the reference: {len([s for s in extras if s.usable])}"
        in text
    )
    assert f"{len(off)} offered models are off until an admin switches them on" in text


def test_the_readme_counts_each_menu_section_as_a_new_user_sees_it() -> None:
    catalog = load_catalog()
    translate = load_translator()
    text = " ".join(_section().split())
    for section in MENU_SECTIONS:
        shown = [m for m in section_models(catalog, section) if not m.off_by_default]
        label = translate("en", f"bot.section.{section}")
        assert re.search(rf"{re.escape(label)} {len(shown)}\b", text), (label, len(shown))
