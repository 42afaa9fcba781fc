"""Gemini Omni's character ids share its 7 reference places: each takes one, as each photo does
(a character's button under 7 photos would be one too many)."""

from __future__ import annotations

from typing import Any

from kiegram.bot.prefill import state_at
from kiegram.catalog import load_catalog
from kiegram.sandbox.validate import validate_input
from kiegram.wizard import Action, Wizard

CATALOG = load_catalog()
SPEC = CATALOG.get("gemini-omni-video")


def _values(images: int, characters: int) -> dict[str, Any]:
    return {
        "prompt": "a city at night",
        "duration": "4",
        "image_urls": [f"https://e.com/{n}.png" for n in range(images)],
        "character_ids": [f"char_{n}" for n in range(characters)],
    }


def test_a_character_takes_one_place() -> None:
    assert SPEC is not None and SPEC.slots is not None
    assert SPEC.slots.used(_values(6, 1)) == 7
    assert SPEC.slots.used(_values(7, 1)) == 8


def test_seven_photos_and_a_character_are_refused_before_the_confirm() -> None:
    assert SPEC is not None
    wizard = Wizard(CATALOG)
    view = wizard.view(state_at(SPEC, _values(7, 1), None))
    assert view.text.key == "omni.err_slots"
    assert not [b for row in view.rows for b in row if b.action is Action.CONFIRM]
    problem = validate_input(SPEC, _values(7, 1))
    assert problem is not None and "8 of 7 places" in problem
    assert validate_input(SPEC, _values(6, 1)) is None
