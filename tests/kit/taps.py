"""How many messages or presses a newcomer needs from a model's card to a started generation.

The walk answers each screen as a person would the first time: the files it asks for, the
first example prompt (or a short text), the first offered option, the marked or first preset
number; Done on an object list once it holds its fewest items; then presses Start on the
confirm. A follow-up starts as the bot starts it from a result's button: its task references
filled from a made-up finished job of its parent model, on its first unfilled step. Used by
the test that holds every model to "its required inputs + 1" and by `benchmarks/bench_taps.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiegram.bot.prefill import first_unfilled, state_at
from kiegram.catalog import Catalog, InputKind, InputSpec, ModelSpec
from kiegram.catalog.followups import ParentResult, applies, filled, is_followup, parents_of
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
from kiegram.wizard.items import least
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
    if any(b.action is Action.DONE for b in buttons):
        return Press(Action.DONE)  # an object list holding its fewest items: on to Start
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


def made_up_parent(catalog: Catalog, spec: ModelSpec) -> ParentResult:
    """A finished job of the follow-up's first parent model that it applies to: a task id,
    two result items, and as its inputs the parent's defaults, else their first options
    (else the first values the follow-up's `when` asks of the parent: a Midjourney video)."""
    wanted = {
        name: allowed[0]
        for ref in spec.task_refs
        if ref.parent is not None
        for name, allowed in ref.parent.when.items()
        if allowed
    }
    for model_id in sorted(parents_of(spec)):
        parent = catalog.get(model_id)
        payload = {} if parent is None else {i.name: _first_value(i) for i in parent.inputs}
        urls = [f"https://example.com/{model_id.replace('/', '-')}-{i}.bin" for i in range(2)]
        for inputs in (payload, {**payload, **wanted}):
            result = ParentResult(
                "task-parent",
                urls,
                ["0", "1"],  # item ids as KIE gives them (Suno track ids, segment indexes)
                {k: v for k, v in inputs.items() if v is not None},
            )
            if applies(spec, result):
                return result
    raise AssertionError(f"{spec.id}: no parent model it applies to")


def _first_value(field: InputSpec) -> Any:
    if field.kind is InputKind.TASK_REF:
        return "task-grandparent"  # the parent is itself a follow-up (a segment map)
    if field.default is not None or not field.options:
        return field.default
    return field.options[0].value


def start(wizard: Wizard, spec: ModelSpec, lang: str) -> Step:
    """The first screen: a follow-up's filled in from a made-up parent (as the bot does)."""
    if not is_followup(spec):
        return wizard.start(spec.id, lang)
    values = filled(spec, made_up_parent(wizard.catalog, spec), 0)
    state = state_at(spec, values, first_unfilled(spec, values))
    state["lang"] = lang
    return Step(state, wizard.view(state))


def answers_needed(field: InputSpec) -> int:
    """Answers an input needs: one, or for an object list each field of its fewest items
    and the Done that closes it."""
    if field.kind is InputKind.OBJECT_LIST:
        return least(field) * len(field.item_fields) + 1
    return 1


def walk(wizard: Wizard, spec: ModelSpec, lang: str = "ru") -> Walk:
    """Start the model, answer every step, press Start: the taps counted."""
    step = start(wizard, spec, lang)
    taps = 0
    while step.view.kind is ScreenKind.STEP and taps < LIMIT:
        result = wizard.answer(step.state, first_answer(spec, step.view))
        if not isinstance(result, Step):
            raise AssertionError(f"{spec.id}: {result.key} at {step.view.field}")
        step, taps = result, taps + 1
    # Required as the answers made it (Midjourney's task type or Suno's mode adds inputs);
    # a follow-up's task references are filled in, never steps.
    values: Mapping[str, Any] = step.state["values"]
    needed = steps(spec, values)
    ended = step.view.kind
    if ended is ScreenKind.CONFIRM and step.view.credits is not None:
        done = wizard.answer(step.state, Press(Action.CONFIRM))
        if isinstance(done, Step):
            ended, taps = done.view.kind, taps + 1
    only = [f.name for f in needed] == ["prompt"]
    return Walk(spec.id, taps, sum(answers_needed(f) for f in needed), ended, only)
