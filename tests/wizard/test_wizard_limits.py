"""Limits that depend on other answers: Suno's simple mode takes an idea of 500 characters,
its custom mode lyrics of up to 5000 (3000 for V4, whose version is asked before). The wizard
asks with the limit that applies, refuses what KIE would refuse, and the sandbox (standing in
for KIE) refuses it too."""

from __future__ import annotations

from typing import Any

from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.sandbox.validate import validate_input
from kiegram.wizard import (
    Action,
    Invalid,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    Wizard,
    build_payload,
    text,
)

CATALOG = load_catalog()
SUNO = CATALOG.get("suno")
assert SUNO is not None
WIZARD = Wizard(CATALOG)
TR = load_translator()
IDEA = "a song about a fox who learns to sing " * 16  # 608 characters


def ok(step: Step | Invalid) -> Step:
    assert isinstance(step, Step), step
    return step


def to_prompt(custom: bool, model: str = "V4") -> Step:
    step = WIZARD.start("suno")
    for expected in ("customMode", "instrumental"):
        assert step.view.field == expected
        yes = expected == "customMode" and custom
        step = ok(WIZARD.answer(step.state, Press(Action.BOOL, 1 if yes else 0)))
    assert step.view.field == "model"
    index = SUNO.input("model").option_values().index(model)
    step = ok(WIZARD.answer(step.state, Press(Action.OPTION, index)))
    assert step.view.field == "prompt"
    return step


def finish(step: Step) -> Step:
    """Answer what is left with the first button or a short text, up to the confirm screen."""
    for _ in range(10):
        if step.view.kind is ScreenKind.CONFIRM:
            return step
        if step.view.kind is ScreenKind.SETTINGS:
            step = ok(WIZARD.answer(step.state, Press(Action.DONE)))
            continue
        buttons = [b for b in step.view.buttons() if b.action is Action.OPTION]
        answer: Any = Press(Action.OPTION, buttons[-1].arg) if buttons else TextAnswer("Rock")
        step = ok(WIZARD.answer(step.state, answer))
    raise AssertionError(f"no confirm screen: {step.view.kind}")


def test_simple_mode_asks_for_500_characters_and_refuses_more() -> None:
    step = to_prompt(custom=False)
    assert step.view.expect.max_length == 500
    question = text(TR, "ru", step.view.text)
    assert "500" in question and "3000" not in question
    refused = WIZARD.answer(step.state, TextAnswer(IDEA))
    assert isinstance(refused, Invalid)
    assert refused.key == "wizard.err_too_long" and refused.values["limit"] == 500
    assert refused.state == step.state  # nothing changed
    step = ok(WIZARD.answer(step.state, TextAnswer(IDEA[:500])))
    payload = build_payload(WIZARD.spec(step.state), finish(step).state["values"])
    assert payload["customMode"] is False and len(payload["prompt"]) == 500


def test_custom_mode_takes_lyrics_up_to_5000_and_3000_for_v4() -> None:
    assert to_prompt(custom=True, model="V5").view.expect.max_length == 5000
    step = to_prompt(custom=True)
    assert step.view.expect.max_length == 3000
    step = ok(WIZARD.answer(step.state, TextAnswer(IDEA)))
    step = finish(step)
    payload = build_payload(WIZARD.spec(step.state), step.state["values"])
    assert payload["customMode"] is True and payload["prompt"] == IDEA.strip()
    assert validate_input(SUNO, payload) is None


def test_lyrics_left_too_long_by_a_mode_change_cannot_be_confirmed() -> None:
    step = finish(ok(WIZARD.answer(to_prompt(custom=True).state, TextAnswer(IDEA))))
    changed = {**step.state, "values": {**step.state["values"], "customMode": False}}
    refused = WIZARD.answer(changed, Press(Action.CONFIRM))
    assert isinstance(refused, Invalid) and refused.key == "wizard.err_too_long"
    assert ok(WIZARD.answer(step.state, Press(Action.CONFIRM))).view.kind is ScreenKind.CONFIRMED


def test_the_sandbox_refuses_a_long_idea_in_simple_mode_as_kie_does() -> None:
    spec = SUNO
    payload: dict[str, Any] = {
        "customMode": False,
        "instrumental": False,
        "model": "V5",
        "prompt": IDEA,
    }
    problem = validate_input(spec, payload)
    assert problem is not None and "500" in problem
    assert validate_input(spec, {**payload, "prompt": IDEA[:500]}) is None
