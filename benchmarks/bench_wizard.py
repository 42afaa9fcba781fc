"""Wizard speed: answers applied per second over every usable model, against a baseline.

Run: .venv/bin/python benchmarks/bench_wizard.py [--rounds N]
Each usable model is walked once with valid answers (typed text, button presses, files or an
album, a settings change, confirm) to record a script; the timed part replays every script
from `Wizard.start` through `Wizard.answer` to `build_payload`. The baseline, measured in the
same run over the very same states, is what storing a state costs at minimum: a dict copy and
a JSON round-trip per step. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass

from kiegram.catalog import Catalog, InputKind, InputSpec, ModelSpec, load_catalog
from kiegram.wizard import (
    Action,
    Answer,
    MediaAnswer,
    MediaRef,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    View,
    Wizard,
    build_payload,
)
from kiegram.wizard.media import guess_mime

PICKS = (Action.OPTION, Action.BOOL, Action.NUMBER)
MIME = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}
PROMPT = "A red fox in fresh snow at dawn, soft light, 35 mm film look"
GOAL_US = 1000.0  # the issue: "well under a millisecond per step"


@dataclass(frozen=True, slots=True)
class Script:
    """One model's recorded walk: the answers and the states they produced."""

    model_id: str
    answers: tuple[Answer, ...]
    states: tuple[dict[str, object], ...]


def media_ref(field: InputSpec, index: int) -> MediaRef:
    """A file reference the input accepts (kind, mime and name from its file types)."""
    kind = field.media.value if field.media else "image"
    mime: str | None = MIME[kind]
    name: str | None = f"file{index}.jpg"
    if field.file_types:
        entry = field.file_types[index % len(field.file_types)]
        mime = entry if "/" in entry else guess_mime(f"x.{entry}")
        name = None if "/" in entry else f"file{index}.{entry}"
    return MediaRef(f"tg:file{index}", kind, mime, 200_000, name)


def typed(field: InputSpec) -> Answer:
    """A valid typed answer for a step without buttons."""
    if field.is_media:
        count = 1 if field.kind is InputKind.MEDIA else max(1, field.min_items or 1, 2)
        count = min(count, field.max_items or count)
        return MediaAnswer(tuple(media_ref(field, i) for i in range(count)))
    if field.kind in (InputKind.INTEGER, InputKind.NUMBER):
        value = field.min if field.min is not None else (field.max or 1)
        return TextAnswer(str(int(value)) if field.kind is InputKind.INTEGER else str(value))
    if field.kind is InputKind.BOOLEAN:
        return TextAnswer("да")
    text = (PROMPT * 4)[: field.max_length or len(PROMPT)]
    return TextAnswer(text.ljust(field.min_length or 0, "x"))


def next_answer(spec: ModelSpec, view: View, edits: int) -> Answer:
    """The answer a typical user gives on this screen (one settings change, then confirm)."""
    if view.kind is ScreenKind.CONFIRM:
        return Press(Action.CONFIRM)
    if view.kind is ScreenKind.SETTINGS:
        picks = [b for b in view.buttons() if b.action in (Action.OPEN, Action.TOGGLE)]
        if picks and edits == 0:
            return Press(picks[0].action, picks[0].arg)
        return Press(Action.DONE)
    buttons = [b for b in view.buttons() if b.action in PICKS]
    if buttons:
        chosen = buttons[len(buttons) // 2]
        return Press(chosen.action, chosen.arg)
    return typed(spec.input(view.field or ""))


def record(wizard: Wizard, spec: ModelSpec) -> Script | None:
    """Walk one model to CONFIRMED; None when a priced confirm is not reachable."""
    step = wizard.start(spec.id)
    answers: list[Answer] = []
    states: list[dict[str, object]] = [step.state]
    edits = 0
    for _ in range(80):
        if step.view.kind is ScreenKind.CONFIRMED:
            return Script(spec.id, tuple(answers), tuple(states))
        answer = next_answer(spec, step.view, edits)
        edits += step.view.kind is ScreenKind.SETTINGS
        result = wizard.answer(step.state, answer)
        if not isinstance(result, Step):
            return None
        answers.append(answer)
        states.append(result.state)
        step = result
    return None


def resolve(ref: str) -> str:
    """Stands in for the upload: every reference becomes an https URL."""
    return "https://files.example/" + ref.removeprefix("tg:")


def replay(wizard: Wizard, catalog: Catalog, scripts: list[Script]) -> int:
    """Run every script from start to payload; returns the answers applied."""
    applied = 0
    for script in scripts:
        step = wizard.start(script.model_id)
        for answer in script.answers:
            result = wizard.answer(step.state, answer)
            assert isinstance(result, Step)
            step = result
        spec = catalog.get(script.model_id)
        assert spec is not None
        build_payload(spec, step.state["values"], resolve)
        applied += len(script.answers)
    return applied


def baseline(scripts: list[Script]) -> int:
    """Per recorded state: a dict copy and a JSON round-trip (the floor of storing it)."""
    steps = 0
    for script in scripts:
        for state in script.states[1:]:
            json.loads(json.dumps(dict(state)))
            steps += 1
    return steps


def timed(action: object, rounds: int) -> tuple[float, int]:
    """The median seconds of one round and the steps a round makes."""
    times, steps = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        steps = action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), steps


def main() -> None:
    """Record every model's walk, then time replays against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    catalog = load_catalog()
    wizard = Wizard(catalog)
    scripts = [s for spec in catalog.usable() if (s := record(wizard, spec)) is not None]
    skipped = len(list(catalog.usable())) - len(scripts)
    base_s, base_steps = timed(lambda: baseline(scripts), rounds)
    wiz_s, wiz_steps = timed(lambda: replay(wizard, catalog, scripts), rounds)
    per_model = sorted(
        (
            (timed(lambda s=s: replay(wizard, catalog, [s]), 5)[0] / len(s.answers), s.model_id)
            for s in scripts
        ),
        reverse=True,
    )
    base_us, wiz_us = base_s / base_steps * 1e6, wiz_s / wiz_steps * 1e6
    print(f"{len(scripts)} usable models walked ({skipped} skipped), {wiz_steps} answers a round,")
    print(f"median of {rounds} rounds (start + answers + confirm + payload)")
    print(f"  {'baseline: dict copy + JSON round-trip':<40} {base_us:8.1f} µs/step")
    print(
        f"  {'wizard: apply an answer':<40} {wiz_us:8.1f} µs/step  "
        f"({wiz_us / base_us:4.1f}x baseline, {wiz_steps / wiz_s:,.0f} answers/s)"
    )
    print(f"  goal: well under {GOAL_US:.0f} µs per step")
    print(
        "  slowest models (µs/step): "
        + ", ".join(f"{model} {secs * 1e6:.0f}" for secs, model in per_model[:5])
    )


if __name__ == "__main__":
    main()
