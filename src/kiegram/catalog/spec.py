"""Frozen, typed specs of KIE models: the data the whole product derives from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Value = str | int | float | bool
"""A single answer as it is sent to KIE (its JSON type matters)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Frozen):
    """A user-facing text in Russian and English."""

    ru: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang`, Russian for anything but English."""
        return self.en if lang == "en" else self.ru


class InputKind(StrEnum):
    """How an input is asked and what JSON type it is sent as."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MEDIA = "media"  # one file URL
    MEDIA_LIST = "media_list"  # a list of file URLs
    TEXT_LIST = "text_list"  # a list of ids (e.g. earlier task ids): never asked
    STRUCT = "struct"  # object[] / nested arrays: never asked, never sent


class MediaKind(StrEnum):
    """What a person sends for a media input."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


class Category(StrEnum):
    """What a model does, as the menus group it."""

    TEXT_TO_IMAGE = "text-to-image"
    IMAGE_TO_IMAGE = "image-to-image"
    IMAGE_EDIT = "image-edit"
    UPSCALE = "upscale"
    BACKGROUND_REMOVAL = "background-removal"
    OUTPAINT = "outpaint"
    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    VIDEO_TO_VIDEO = "video-to-video"
    VIDEO_UPSCALE = "video-upscale"
    WATERMARK_REMOVAL = "watermark-removal"
    AVATAR = "avatar"
    SPEECH_TO_VIDEO = "speech-to-video"
    TEXT_TO_SPEECH = "text-to-speech"
    SPEECH_TO_TEXT = "speech-to-text"
    SOUND_EFFECT = "sound-effect"
    AUDIO_ISOLATION = "audio-isolation"
    MUSIC = "music"


class OutputKind(StrEnum):
    """What a successful generation delivers."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"


class ApiFamily(StrEnum):
    """Which KIE API a model is called through."""

    MARKET = "market"
    VEO = "veo"
    RUNWAY = "runway"
    LUMA = "luma"
    SUNO = "suno"
    MIDJOURNEY = "midjourney"
    GPT4O_IMAGE = "gpt4o-image"
    FLUX_KONTEXT = "flux-kontext"


class Confidence(StrEnum):
    """How the schema was confirmed (see models.json `about`)."""

    DOCS = "docs"
    DOCS_PARTIAL = "docs-partial"
    CODE_ONLY = "code-only"
    NOT_FOUND = "not-found"


class Option(_Frozen):
    """One allowed value of a choice input, with its button label."""

    value: Value
    label: Label | None = None


def holds(when: Mapping[str, tuple[Value, ...]], current: Callable[[str], Any]) -> bool:
    """True when every input named in `when` has one of its listed values now (`current`
    gives an input's value by name); an empty `when` always holds."""
    return all(current(name) in allowed for name, allowed in when.items())


class LimitRule(_Frozen):
    """A tighter text limit KIE documents while other inputs have certain values."""

    when: Mapping[str, tuple[Value, ...]]
    max_length: int


class InputSpec(_Frozen):
    """One field of KIE's `input` object, with KIE's exact name."""

    name: str
    kind: InputKind
    required: bool = False
    default: Value | None = None
    label: Label | None = None
    help: Label | None = None
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    step: float | None = None
    decimals: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    media: MediaKind | None = None
    file_types: tuple[str, ...] = ()
    max_file_mb: float | None = None
    lowercase: bool = False
    # Asked and sent only while every named input has one of the listed values.
    when: Mapping[str, tuple[Value, ...]] = Field(default_factory=dict)
    # The first rule whose `when` holds replaces `max_length` (Suno's simple mode: 500).
    limits: tuple[LimitRule, ...] = ()

    def title(self, lang: str) -> str:
        """The parameter's display name (its KIE name when it has no label)."""
        return self.label.get(lang) if self.label else self.name

    @property
    def is_media(self) -> bool:
        """True for inputs answered with files."""
        return self.kind in (InputKind.MEDIA, InputKind.MEDIA_LIST)

    @property
    def askable(self) -> bool:
        """True when the wizard knows how to ask for this input."""
        return self.kind not in (InputKind.TEXT_LIST, InputKind.STRUCT)

    def active(self, current: Callable[[str], Any]) -> bool:
        """True while the other inputs' `current` values let this input be asked and sent."""
        return holds(self.when, current)

    def under(self, current: Callable[[str], Any]) -> InputSpec:
        """This input with the limits that apply while other inputs have their `current`
        values."""
        for rule in self.limits:
            if holds(rule.when, current):
                return self.model_copy(update={"max_length": rule.max_length})
        return self

    def option_values(self) -> tuple[Value, ...]:
        """The allowed values of a choice, in catalog order."""
        return tuple(o.value for o in self.options)


class CostSpec(_Frozen):
    """KIE credits as a function of the chosen options.

    credits = table[values of `by`, joined by "|"; "*" matches anything]
              * value of `per` (a number input, or the item count of a list input)
              / `per_unit`
              * ceil(len(text of `per_chars`) / `chars_unit`) when `per_chars` is set
              * max(ceil(seconds), `min_seconds`, 1) when `per_media_seconds` is set
                (seconds: the total duration of the files given for that media input).
    A combination with no row has an unknown cost: it is not offered. A file of unknown
    duration makes the cost unknown; files longer than `max_seconds` are refused.
    """

    by: tuple[str, ...] = ()
    table: Mapping[str, float] = Field(default_factory=dict)
    per: str | None = None
    per_unit: float = 1.0
    per_chars: str | None = None
    chars_unit: int = 1000
    per_media_seconds: str | None = None
    min_seconds: float | None = None  # KIE's minimum billed duration
    max_seconds: float | None = None  # the longest input the model documents
    note: str = ""

    @property
    def per_second(self) -> bool:
        """True when the price is per second of an uploaded file (ranges are for 1 s)."""
        return self.per_media_seconds is not None


class ModelStatus(StrEnum):
    """Whether users can see and run a model."""

    USABLE = "usable"
    HELD = "held"


class ModelSpec(_Frozen):
    """Everything kiegram knows about one KIE model."""

    id: str
    code: str
    family: str
    category: Category
    output: OutputKind
    api: ApiFamily = ApiFamily.MARKET
    name: Label
    description: Label
    docs_url: str
    confidence: Confidence = Confidence.DOCS
    status: ModelStatus = ModelStatus.USABLE
    held_reason: str = ""
    popular: bool = False
    inputs: tuple[InputSpec, ...]
    order: tuple[str, ...]
    cost: CostSpec | None = None
    examples: tuple[Label, ...] = ()  # prompts a user can tap to use (data/_examples.toml)
    source: str = ""  # the data file this spec came from (set by the loader)

    @property
    def usable(self) -> bool:
        """True when the model is offered to users."""
        return self.status is ModelStatus.USABLE

    def current(self, values: Mapping[str, Any]) -> Callable[[str], Any]:
        """An input's value by name: the one in `values`, else its documented default."""
        by_name = self.inputs_by_name()
        return lambda name: values.get(name, by_name[name].default)

    def input(self, name: str) -> InputSpec:
        """The input called `name` (KeyError when there is none)."""
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def inputs_by_name(self) -> Mapping[str, InputSpec]:
        """A read-only name -> input view."""
        return MappingProxyType({i.name: i for i in self.inputs})

    @property
    def media_only(self) -> bool:
        """True when every asked step is a file (background removal, upscalers...)."""
        steps = [self.input(n) for n in self.order]
        return (
            bool(steps)
            and all(s.is_media for s in steps)
            and not any(i.kind is InputKind.TEXT and i.required for i in self.inputs)
        )


def dump_value(value: Any) -> str:
    """A cost-table key part for one value ("true"/"false" for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
