"""A newcomer's first result: every usable model, from its card to a started generation,
takes its required inputs and one press of Start; prompt-only models take exactly two."""

from __future__ import annotations

import pytest
from kit.taps import walk

from kiegram.catalog import load_catalog
from kiegram.wizard import ScreenKind, Wizard

CATALOG = load_catalog()
WIZARD = Wizard(CATALOG)
MODELS = list(CATALOG.usable())


@pytest.mark.parametrize("spec", MODELS, ids=[m.id for m in MODELS])
def test_every_model_starts_in_its_required_inputs_plus_one(spec: object) -> None:
    done = walk(WIZARD, spec)  # type: ignore[arg-type]
    assert done.ended is ScreenKind.CONFIRMED, done
    assert done.taps <= done.required + 1, done
    if done.prompt_only:
        assert done.taps == 2, done


def test_text_to_image_models_are_prompt_then_start() -> None:
    walks = [walk(WIZARD, m) for m in MODELS if m.category.value == "text-to-image"]
    assert walks and all(w.taps == 2 for w in walks if w.prompt_only)
    assert sum(w.prompt_only for w in walks) >= len(walks) // 2
