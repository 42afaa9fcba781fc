"""Frozen, typed specs of KIE models: the data the whole product derives from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiegram.catalog.kinds import (
    ApiFamily,
    Category,
    Confidence,
    InputKind,
    MediaKind,
    ModelStatus,
    OutputKind,
    ParentPart,
)

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


class Option(_Frozen):
    """One allowed value of a choice input, with its button label."""

    value: Value
    label: Label | None = None


def holds(when: Mapping[str, tuple[Value, ...]], current: Callable[[str], Any]) -> bool:
    """True when every input named in `when` has one of its listed values now (`current`
    gives an input's value by name); an empty `when` always holds."""
    return all(current(name) in allowed for name, allowed in when.items())


class ParentRef(_Frozen):
    """Where a task-reference input comes from: a finished generation of `models`."""

    models: tuple[str, ...]
    take: ParentPart = ParentPart.TASK_ID
    input: str = ""  # the parent input copied when `take` is "input"
    # Offered only for a parent whose inputs had these values (Veo 1080p: a 720p video).
    when: Mapping[str, tuple[Value, ...]] = Field(default_factory=dict)
    # Not offered for a parent whose inputs had any of these values (Suno timed lyrics: an
    # instrumental has none); a parent without the input is offered.
    unless: Mapping[str, tuple[Value, ...]] = Field(default_factory=dict)
    # The result button's message key under a parent of this reference, where a model has
    # several optional ones (Gemini Omni: a voice's button, a character's); "" for the model's.
    button: str = ""

    @property
    def per_item(self) -> bool:
        """True when the value names one result item of the parent, not the whole task."""
        return self.take in (
            ParentPart.ITEM_ID,
            ParentPart.ITEM_IDS,
            ParentPart.INDEX,
            ParentPart.NUMBER,
            ParentPart.URL,
            ParentPart.SEGMENT,
        )


class EndpointSpec(_Frozen):
    """A model's own KIE endpoint, when it is not its API family's generate/record-info.

    `repeat`: KIE has no task for it; the same request is sent again until it answers with
    the result (Veo 1080p/4K), so the status read is the create request itself.
    `result`: which status parser reads it (a family name, or a parser of a follow-up).
    `once`: a repeat request answered at once that does something each time it is sent (the
    Omni voice registers a voice): nothing is sent at create, the status read sends it.
    """

    create: str
    method: str = "POST"
    status: str = ""  # "" = the family's record-info
    result: str = ""  # "" = the family's parser
    repeat: bool = False
    once: bool = False


class MediaCount(_Frozen):
    """How many files of one kind a media list of mixed kinds takes."""

    min: int = 1
    max: int | None = None
    max_file_mb: float | None = None  # tighter than the input's own limit for this kind


class LimitRule(_Frozen):
    """A tighter text limit KIE documents while other inputs have certain values."""

    when: Mapping[str, tuple[Value, ...]]
    max_length: int


class Above(_Frozen):
    """A number that must exceed another input's by `min_gap` up to `max_gap` (a section's
    end after its start: Suno replace-section's 6-60 s)."""

    input: str
    min_gap: float = 0
    max_gap: float | None = None
    # The gap is at most this share of the parent result's length, when it is known (Suno:
    # "should not exceed 50% of the original music's total duration").
    max_parent_share: float | None = None

    def problem(self, value: float, other: float) -> tuple[str, float] | None:
        """("min"|"max", the bound) when `value` is not far enough above `other`, else None."""
        gap = value - other
        if gap <= 0 or gap < self.min_gap:
            return ("min", self.min_gap)
        if self.max_gap is not None and gap > self.max_gap:
            return ("max", self.max_gap)
        return None


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
    # media_list of any kind: its files are all of one kind listed here, as many as that
    # kind allows (Kling's elements: 2-4 photos or 1 video).
    media_counts: Mapping[MediaKind, MediaCount] = Field(default_factory=dict)
    # text: the whole answer matches this regular expression; `pattern_hint` says how.
    pattern: str | None = None
    pattern_hint: Label | None = None
    # media: each file's length in seconds, checked when Telegram reports it (a voice 5-30 s).
    min_seconds: float | None = None
    max_seconds: float | None = None
    # object_list item field: no two items may have the same value (an element's name).
    unique: bool = False
    # Asked and sent only while every named input has one of the listed values.
    when: Mapping[str, tuple[Value, ...]] = Field(default_factory=dict)
    # The first rule whose `when` holds replaces `max_length` (Suno's simple mode: 500).
    limits: tuple[LimitRule, ...] = ()
    # integer/number: must be above another input's value (a cross-field rule, see Above).
    above: Above | None = None
    # integer/number of seconds: at most the length of the parent's result item, when KIE
    # gave it (`PARENT_SECONDS`; a section within its track).
    within_parent: bool = False
    # A task-reference input: filled from an earlier generation, never asked.
    parent: ParentRef | None = None
    # object_list: the fields of one item (KIE's names), asked in this order.
    item_fields: tuple[InputSpec, ...] = ()
    # object_list item field: asked and sent only while the named field of the same item
    # holds files of this kind (a video element's start and end time).
    when_media: Mapping[str, MediaKind] = Field(default_factory=dict)
    # number item field: its value less that of item field `span_from` (or its default)
    # lies within span_min..span_max (a clip's end after its start, 3-8 s long).
    span_from: str | None = None
    span_min: float | None = None
    span_max: float | None = None
    # object_list: the most characters all items' text fields may hold together.
    max_total_length: int | None = None
    # object_list: the items' `item_sum` field adds up to the value of input `sum_equals`
    # (Kling's shots make up `duration`), or at most to that of `sum_at_most` (Sora's n_frames).
    item_sum: str | None = None
    sum_equals: str | None = None
    sum_at_most: str | None = None
    # integer/number: KIE documents the value as a JSON string ("5"), so it is sent as one.
    as_string: bool = False
    # False: documented by KIE but never asked nor sent (deprecated, or priced in a way the
    # cost formula cannot express); `kiegram try` refuses it with that reason.
    offered: bool = True
    # Why a documented input is not offered: shown by the audit and by `kiegram try`.
    withheld: str = ""

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
        return self.offered and self.kind not in (
            InputKind.TEXT_LIST,
            InputKind.STRUCT,
            InputKind.TASK_REF,
        )

    @property
    def is_mode(self) -> bool:
        """True for the model's mode choice: asked like a choice, never sent to KIE."""
        return self.name == MODE_INPUT

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


class CostExtra(_Frozen):
    """Credits added to the table's price for each file (or second of files) of one input.

    count = the files given for `per_item` (a list's items, 1 for a given file) less
            `free_items`, or the billed seconds of the files of `per_media_seconds`;
    only while every input named in `when` has one of its listed values.
    """

    credits: float
    per_item: str | None = None
    free_items: int = 0
    per_media_seconds: str | None = None
    when: Mapping[str, tuple[Value, ...]] = Field(default_factory=dict)
    note: str = ""


PARENT_SECONDS = "@parent_seconds"
"""Among a follow-up's wizard values: the length in seconds of the parent's result item it
takes, when KIE gave one (a Suno track's); never sent, read by `within_parent` and `Above`."""

MODE_INPUT = "@mode"
"""The name of the input the loader adds to a model with `modes` (not a KIE field)."""


class Mode(_Frozen):
    """One of a model's mutually exclusive ways to be called, with the inputs it alone takes."""

    id: str
    label: Label
    inputs: tuple[str, ...]


class CostSpec(_Frozen):
    """KIE credits as a function of the chosen options.

    credits = table[values of `by`, joined by "|"; "*" matches anything; an input named in
                    `present` takes "present" or "absent": whether a file or list is given]
              * value of `per` (a number input, or the item count of a list input)
              / `per_unit` / value of `per_divisor` (a number input, e.g. frames per second)
              * ceil(len(text of `per_chars`) / `chars_unit`) when `per_chars` is set
              * max(ceil(seconds), `min_seconds`, 1) when `per_media_seconds` is set
                (seconds: the total duration of the files given for that media input)
              + the sum of the `extras` (per file or second of a file, see CostExtra).
    A combination with no row has an unknown cost: it is not offered. A file of unknown
    duration makes the cost unknown; files longer than `max_seconds` are refused.
    """

    by: tuple[str, ...] = ()
    table: Mapping[str, float] = Field(default_factory=dict)
    per: str | None = None
    per_unit: float = 1.0
    per_divisor: str | None = None
    per_chars: str | None = None
    chars_unit: int = 1000
    per_media_seconds: str | None = None
    min_seconds: float | None = None  # KIE's minimum billed duration
    max_seconds: float | None = None  # the longest input the model documents
    present: tuple[str, ...] = ()
    extras: tuple[CostExtra, ...] = ()
    note: str = ""

    @property
    def per_second(self) -> bool:
        """True when the price is per second of an uploaded file (ranges are for 1 s)."""
        return self.per_media_seconds is not None


class OutputRule(_Frozen):
    """The output kind a model delivers while other inputs have certain values."""

    when: Mapping[str, tuple[Value, ...]]
    kind: OutputKind


class SlotBudget(_Frozen):
    """Places several file inputs share: each item given for an input of `costs` takes that
    many of `limit` (Gemini Omni: 7 reference places, a source video takes 2 of them)."""

    limit: int
    costs: Mapping[str, int]

    def used(self, values: Mapping[str, Any]) -> int:
        """The places the given `values` take."""
        return sum(cost * _count(values.get(name)) for name, cost in self.costs.items())


def _count(value: Any) -> int:
    if isinstance(value, list | tuple):
        return len(value)
    return 0 if value in (None, "") else 1


class ModelSpec(_Frozen):
    """Everything kiegram knows about one KIE model."""

    id: str
    code: str
    family: str
    category: Category
    output: OutputKind
    # The first rule whose `when` holds replaces `output` (Midjourney's mj_video: a video).
    outputs: tuple[OutputRule, ...] = ()
    api: ApiFamily = ApiFamily.MARKET
    name: Label
    description: Label
    docs_url: str
    confidence: Confidence = Confidence.DOCS
    status: ModelStatus = ModelStatus.USABLE
    held_reason: str = ""
    popular: bool = False
    # The model follows English prompts best (most do): the prompt helper writes in English.
    english_prompts: bool = True
    # Usable, but off until the operator switches it on in /admin (availability doubtful).
    off_by_default: bool = False
    inputs: tuple[InputSpec, ...]
    order: tuple[str, ...]
    cost: CostSpec | None = None
    # A follow-up's own endpoint (None: the family's) and its result button: a key under
    # followups.btn, or a whole message key when it has a dot (see `button_key`).
    endpoint: EndpointSpec | None = None
    button: str = ""
    # Places several file inputs share, checked before the confirm like a list's sum.
    slots: SlotBudget | None = None
    # Mutually exclusive groups of inputs: the wizard asks which first (`MODE_INPUT`).
    modes: tuple[Mode, ...] = ()
    mode_label: Label | None = None
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

    def output_for(self, values: Mapping[str, Any]) -> OutputKind:
        """What a generation with these input `values` delivers."""
        current = self.current(values)
        return next((r.kind for r in self.outputs if holds(r.when, current)), self.output)

    @property
    def output_kinds(self) -> tuple[OutputKind, ...]:
        """Every kind the model can deliver, its default first."""
        return tuple(dict.fromkeys((self.output, *(r.kind for r in self.outputs))))

    def mode_of(self, name: str) -> Mode | None:
        """The mode an input belongs to (None: it is shared by every mode)."""
        return next((m for m in self.modes if name in m.inputs), None)

    def in_mode(self, name: str, values: Mapping[str, Any]) -> bool:
        """False for an input of a mode other than the one chosen in `values` (or of any mode
        while none is chosen)."""
        mode = self.mode_of(name)
        return mode is None or values.get(MODE_INPUT) == mode.id

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
    def button_key(self) -> str:
        """The message key of the follow-up's result button ("" when it has none)."""
        if not self.button or "." in self.button:
            return self.button
        return f"followups.btn.{self.button}"

    @property
    def task_refs(self) -> tuple[InputSpec, ...]:
        """The inputs filled from an earlier generation (empty unless a follow-up)."""
        return tuple(i for i in self.inputs if i.kind is InputKind.TASK_REF)

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
