"""Moving between screens: forward after an answer, Back through the history."""

from __future__ import annotations

from typing import Any

from kiegram.catalog import ModelSpec
from kiegram.wizard.state import settings, steps
from kiegram.wizard.view import ScreenKind


def go(
    state: dict[str, Any], screen: ScreenKind, field: str | None = None, push: bool = False
) -> None:
    """Switch screens; `push` remembers the current one for Back."""
    if push:
        state["history"].append({"screen": state["screen"], "field": state["field"]})
    state["screen"] = screen.value
    state["field"] = field


def after_steps(spec: ModelSpec, state: dict[str, Any]) -> ScreenKind:
    """Past the last step comes the confirm: every other input keeps its default there."""
    return ScreenKind.CONFIRM


def enter_step(spec: ModelSpec, state: dict[str, Any], index: int, push: bool = False) -> None:
    """Go to step `index` of the current step list, or past the last step."""
    listed = steps(spec, state["values"])
    if index < len(listed):
        go(state, ScreenKind.STEP, listed[index].name, push)
    else:
        go(state, after_steps(spec, state), None, push)


def forward(spec: ModelSpec, state: dict[str, Any]) -> None:
    """The screen after the current step: the next step still without an answer (a caption
    or a filled-in job may have answered it), else the confirm."""
    listed = steps(spec, state["values"])
    names = [f.name for f in listed]
    here = state["field"]
    index = names.index(here) + 1 if here in names else len(names)
    while index < len(names) and names[index] in state["values"]:
        index += 1
    enter_step(spec, state, index, push=True)


def ask_missing(spec: ModelSpec, state: dict[str, Any]) -> bool:
    """After a change on the confirm or in the settings: a step that change made needed (multi
    shots switched on asks for the shots) is asked at once, Back returning here. True when
    one was."""
    missing = next((f for f in steps(spec, state["values"]) if f.name not in state["values"]), None)
    if missing is not None:
        go(state, ScreenKind.STEP, missing.name, push=True)
    return missing is not None


def _still_valid(spec: ModelSpec, state: dict[str, Any], entry: dict[str, Any]) -> bool:
    values = state["values"]
    screen = entry["screen"]
    if screen == ScreenKind.STEP.value:
        return entry["field"] in {f.name for f in steps(spec, values)}
    if screen == ScreenKind.EDIT.value:
        return entry["field"] in {f.name for f in settings(spec, values)}
    if screen == ScreenKind.SETTINGS.value:
        return bool(settings(spec, values))
    return True


def to_confirm(spec: ModelSpec, state: dict[str, Any]) -> None:
    """Settings' Done: back to the confirm they were opened from, else on to a new one; but
    first a question a setting made necessary (Kling's multi-shot needs its shots)."""
    if ask_missing(spec, state):
        return
    history: list[dict[str, Any]] = state["history"]
    if history and history[-1]["screen"] == ScreenKind.CONFIRM.value:
        back(spec, state)
    else:
        go(state, ScreenKind.CONFIRM, push=True)


def back(spec: ModelSpec, state: dict[str, Any]) -> None:
    """Return to the last remembered screen that still applies; past the first, close."""
    history: list[dict[str, Any]] = state["history"]
    while history:
        entry = history.pop()
        if _still_valid(spec, state, entry):
            state["screen"], state["field"] = entry["screen"], entry["field"]
            return
    go(state, ScreenKind.CLOSED)
