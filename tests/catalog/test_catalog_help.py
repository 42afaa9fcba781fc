"""Every question says what good input looks like, and every prompt has examples to tap."""

from __future__ import annotations

import pytest

from kiegram.catalog import ModelSpec, load_catalog
from kiegram.catalog.loader import EXAMPLES_FILE, _validate
from kiegram.errors import CatalogError
from kiegram.wizard import TextAnswer, Wizard, steps
from kiegram.wizard.engine import typed
from kiegram.wizard.state import asked, prompt_input

CATALOG = load_catalog()
MODELS = list(CATALOG.usable())


@pytest.mark.parametrize("spec", MODELS, ids=[m.id for m in MODELS])
def test_every_askable_input_has_help_in_both_languages(spec: ModelSpec) -> None:
    for top in asked(spec, {}) + steps(spec, {}):
        for field in (top, *top.item_fields):  # an object list's item fields are asked too
            assert field.help is not None, f"{spec.id}.{field.name} has no help"
            assert field.help.ru.strip() and field.help.en.strip(), f"{spec.id}.{field.name}"
            assert field.help.ru != field.help.en, f"{spec.id}.{field.name}: ru is not translated"


@pytest.mark.parametrize("spec", MODELS, ids=[m.id for m in MODELS])
def test_every_prompt_taking_model_has_one_to_three_examples_that_fit(spec: ModelSpec) -> None:
    field = prompt_input(spec)
    if field is None:
        assert not spec.examples, f"{spec.id}: examples but no prompt to fill"
        return
    assert 1 <= len(spec.examples) <= 3, spec.id
    for example in spec.examples:
        for text in (example.ru, example.en):
            assert typed(spec, {}, field, TextAnswer(text)) == text.strip()


def test_the_prompt_help_says_how_with_an_example() -> None:
    spec = CATALOG.get("z-image")
    assert spec is not None and spec.input("prompt").help is not None
    help_text = spec.input("prompt").help
    assert "Например" in help_text.ru and "E.g." in help_text.en
    assert "Опишите картинку" in help_text.ru  # the text-to-image line, not the general one


def test_examples_of_an_unknown_model_are_refused() -> None:
    files = {
        EXAMPLES_FILE: b'[["no/such-model"]]\nru = "x"\nen = "y"\n',
    }
    with pytest.raises(CatalogError, match="no/such-model"):
        _validate(files)


def test_the_wizard_knows_every_example_model() -> None:
    wizard = Wizard(CATALOG)
    for spec in MODELS:
        if spec.examples:
            assert wizard.spec({"model": spec.id}) is spec
