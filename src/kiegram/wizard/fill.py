"""Answers that fill more than the input asked: a photo with a caption, files sent while text
is asked or on the confirm, a tapped example prompt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard.answers import MediaAnswer, Press, TextAnswer
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.media import check_media
from kiegram.wizard.state import extras, is_active, prompt_input, steps


def example(spec: ModelSpec, state: Mapping[str, Any], press: Press) -> TextAnswer:
    """The example prompt a button stands for, in the state's language."""
    arg = press.arg
    if not isinstance(arg, int) or not 0 <= arg < len(spec.examples):
        raise InvalidAnswer("wizard.err_stale")
    return TextAnswer(spec.examples[arg].get(str(state.get("lang", "ru"))))


def media_home(
    spec: ModelSpec, values: Mapping[str, Any], answer: MediaAnswer, skip: str | None = None
) -> InputSpec | None:
    """The first file input (steps, then optional ones) that takes these files; when none
    does, the refusal of the first one taking files of this kind (nine photos where eight
    fit), else None."""
    refusal: InvalidAnswer | None = None
    kinds = {item.media for item in answer.items}
    for field in steps(spec, values) + extras(spec, values):
        if field.name == skip or not field.is_media:
            continue
        try:
            check_media(field, list(answer.items))
        except InvalidAnswer as exc:
            same_kind = field.media is not None and kinds == {field.media.value}
            refusal = refusal or (exc if same_kind else None)
            continue
        return field
    if refusal is not None:
        raise refusal
    return None


def caption_home(spec: ModelSpec, values: Mapping[str, Any], skip: str) -> InputSpec | None:
    """The text a file's caption answers: the model's prompt, unless that is the one asked."""
    field = prompt_input(spec)
    if field is None or field.name == skip or not is_active(spec, field, values):
        return None
    return field
