"""How many messages or presses a newcomer needs from a model's card to a started generation.

The walk answers each screen as a person would the first time: the files it asks for, the
first example prompt (or a short text), the first offered option, the marked or first preset
number; then presses Start on the confirm. Used by the test that holds every model to "its
required inputs + 1" and by `benchmarks/bench_taps.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard import (
    Action,
    Answer,
    ExpectKind,
    MediaAnswer,
    MediaRef,
    Press,
    ScreenKind,
    Step,
    TextAnswer,
    View,
    Wizard,
    steps,
)
from kiegram.wizard.media import guess_mime

MIME = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}
LIMIT = 20  # answers before a walk is called stuck


@dataclass(frozen=True, slots=True)
class Walk:
    """One model's walk: the taps it took, the inputs it required (under the answers given),
    where it ended, and whether the prompt was all it needed."""

    model_id: str
    taps: int
    required: int
    ended: ScreenKind
    prompt_only: bool


def media_answer(field: InputSpec, count: int) -> MediaAnswer:
    """`count` files of the kind and type the input takes, each a few seconds long."""
    kind = field.media.value if field.media else "image"
    mime = MIME[kind]
    if field.file_types:
        entry = field.file_types[0]
        mime = entry if "/" in entry else (guess_mime(f"x.{entry}") or mime)
    duration = 5.0 if kind in ("video", "audio") else None
    return MediaAnswer(
        tuple(MediaRef(f"tg:f{i}", kind, mime, 1024, None, duration) for i in range(count))
    )


def first_answer(spec: ModelSpec, view: View) -> Answer:
    """What a first-time user answers on a step screen."""
    expect = view.expect
    if expect.kind is ExpectKind.MEDIA:
        return media_answer(spec.input(view.field or ""), expect.min_items or 1)
    buttons = view.buttons()
    example = next((b for b in buttons if b.action is Action.EXAMPLE), None)
    if example is not None:
        return Press(example.action, example.arg)
    if expect.kind is ExpectKind.TEXT:
        return TextAnswer("a red fox in the snow at dawn"[: expect.max_length or 40])
    picks = [b for b in buttons if b.action in (Action.OPTION, Action.BOOL, Action.NUMBER)]
    chosen = next((b for b in picks if b.selected), picks[0] if picks else None)
    if chosen is not None:
        return Press(chosen.action, chosen.arg)
    return TextAnswer(str(int(expect.minimum or 1)))


def walk(wizard: Wizard, spec: ModelSpec, lang: str = "ru") -> Walk:
    """Start the model, answer every step, press Start: the taps counted."""
    step = wizard.start(spec.id, lang)
    taps = 0
    while step.view.kind is ScreenKind.STEP and taps < LIMIT:
        result = wizard.answer(step.state, first_answer(spec, step.view))
        if not isinstance(result, Step):
            raise AssertionError(f"{spec.id}: {result.key} at {step.view.field}")
        step, taps = result, taps + 1
    # Required as the answers made it (Midjourney's task type or Suno's mode adds inputs).
    needed = steps(spec, step.state["values"])
    ended = step.view.kind
    if ended is ScreenKind.CONFIRM and step.view.credits is not None:
        done = wizard.answer(step.state, Press(Action.CONFIRM))
        if isinstance(done, Step):
            ended, taps = done.view.kind, taps + 1
    only = [f.name for f in needed] == ["prompt"]
    return Walk(spec.id, taps, len(needed), ended, only)
