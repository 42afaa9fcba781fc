"""The view model: what to show next, as data (text keys, labels, buttons), never UI objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from kiegram.catalog import Label, MediaKind
from kiegram.wizard.answers import Action


@dataclass(frozen=True, slots=True)
class Msg:
    """A message key of the `wizard` locale file with its values (values may be Text too)."""

    key: str
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


Text = Label | Msg | str
"""A Label (picked by language), a message to translate, or literal text (user input)."""


class ScreenKind(StrEnum):
    """Which screen the state is on."""

    STEP = "step"
    SETTINGS = "settings"
    EDIT = "edit"
    CONFIRM = "confirm"
    CONFIRMED = "confirmed"  # the caller submits now
    CANCELLED = "cancelled"  # the caller returns to the menu
    CLOSED = "closed"  # Back from the first screen: the caller returns to the model card


class ExpectKind(StrEnum):
    """What kind of answer the screen waits for (besides its buttons)."""

    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    MEDIA = "media"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class Expect:
    """The expected answer with its limits, for hints and for the client's own checks."""

    kind: ExpectKind = ExpectKind.NOTHING
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    integer: bool = False
    media: MediaKind | None = None
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: its text and a compact callback (action + small arg)."""

    text: Text
    action: Action
    arg: int | str | None = None
    credits: Decimal | None = None  # cost of the whole generation with this option
    selected: bool = False  # the current value


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One value that will be sent, labelled, for the confirm screen."""

    name: str
    param: Text
    value: Text


@dataclass(frozen=True, slots=True)
class View:
    """Everything a renderer needs to show one screen."""

    kind: ScreenKind
    model_id: str
    title: Text
    text: Msg
    field: str | None = None
    param: Text | None = None
    step: int | None = None  # "Step N of M": N
    steps: int | None = None  # M
    current: Text | None = None
    help: Text | None = None  # what good input looks like, with an example
    expect: Expect = Expect()
    rows: tuple[tuple[Button, ...], ...] = ()
    summary: tuple[SummaryItem, ...] = ()
    credits: Decimal | None = None

    def buttons(self) -> list[Button]:
        """All buttons, row by row."""
        return [b for row in self.rows for b in row]


@dataclass(frozen=True, slots=True)
class Step:
    """An accepted answer: the new state and the screen to show."""

    state: dict[str, Any]
    view: View


@dataclass(frozen=True, slots=True)
class Invalid:
    """A refused answer: the message to show; `state` is the unchanged input state."""

    key: str
    values: Mapping[str, Any]
    state: dict[str, Any]

    @property
    def message(self) -> Msg:
        """The refusal as a translatable message."""
        return Msg(self.key, self.values)
