"""How values look on screens, and the preset numbers offered as buttons."""

from __future__ import annotations

from typing import Any

from kiegram.catalog import InputKind, InputSpec, Label
from kiegram.catalog.spec import dump_value
from kiegram.wizard.media import stored_count
from kiegram.wizard.parse import normalise_number
from kiegram.wizard.view import Msg, Text

SHORT_TEXT = 40  # characters of a text value shown in buttons and summaries
PRESET_SLOTS = 4  # parts the range is cut into for the buttons between min and max


def value_text(field: InputSpec, value: Any) -> Text:
    """A value as shown to people: option labels, yes/no, file counts, short text."""
    if value is None:
        return Msg("wizard.not_set")
    if field.is_media:
        return Msg("wizard.files", {"count": stored_count(value)})
    if field.kind is InputKind.OBJECT_LIST:
        return Msg("shapes.items", {"count": len(value) if isinstance(value, list) else 0})
    label = _option_label(field, value)
    if label is not None:  # before yes/no: a choice of true/false has labels ("One shot")
        return label
    if isinstance(value, bool):
        return Msg("wizard.yes" if value else "wizard.no")
    text = dump_value(value)
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"


def _option_label(field: InputSpec, value: Any) -> Label | None:
    """The label of the choice option holding `value` (True is not the option 1)."""
    if field.kind is not InputKind.CHOICE:
        return None
    for option in field.options:
        same = option.value == value and isinstance(option.value, bool) is isinstance(value, bool)
        if same and option.label is not None:
            return option.label
    return None


def option_text(field: InputSpec, index: int) -> Text:
    """A choice button's text: the option's label, else its value."""
    option = field.options[index]
    return option.label if option.label is not None else dump_value(option.value)


def presets(field: InputSpec) -> list[int | float]:
    """Common values: min, default, max and a few between, all on the step."""
    low, high = field.min, field.max
    found: list[float] = [v for v in (low, field.default, high) if isinstance(v, int | float)]
    if low is not None and high is not None and high > low:
        found += [low + (high - low) * k / PRESET_SLOTS for k in range(1, PRESET_SLOTS)]
    unique = {normalise_number(field, float(v)) for v in found if not isinstance(v, bool)}
    return sorted(unique)
