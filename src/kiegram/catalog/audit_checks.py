"""The audit's findings and conversions, derived from one model spec alone."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kiegram.catalog.audit_types import Conversion, ConversionKind, Problem, ProblemCode, Severity
from kiegram.catalog.cost import PRESENT, combinations, credit_range, credits_for
from kiegram.catalog.kinds import Category, InputKind
from kiegram.catalog.spec import InputSpec, ModelSpec, Value, dump_value

# Values a button can show as they are: ratios, resolutions, sizes, numbers, durations.
_SELF_EXPLANATORY = re.compile(
    r"""^(?:
        \d+(?:\.\d+)?:\d+(?:\.\d+)?        # 16:9
      | \d+(?:p|k|K)                       # 720p, 1K, 4k
      | \d+\s*[x*×]\s*\d+                  # 1024x1024
      | -?\d+(?:\.\d+)?                    # 5, 0.5
      | \d+(?:\.\d+)?\s*s                  # 5s
    )$""",
    re.VERBOSE,
)


def self_explanatory(value: Value) -> bool:
    """True when a choice value needs no label to be understood."""
    return isinstance(value, bool | int | float) or bool(_SELF_EXPLANATORY.match(value))


def problems(spec: ModelSpec, menu: Mapping[Category, str]) -> tuple[Problem, ...]:
    """Every finding about `spec`; a held model reports only why it is held."""
    if not spec.usable:
        reason = spec.held_reason or "?"
        return (Problem(Severity.INFO, ProblemCode.HELD, details=(reason,)),)
    found: list[Problem] = []
    if spec.off_by_default:
        found.append(Problem(Severity.INFO, ProblemCode.OFF_BY_DEFAULT))
    for field in spec.inputs:
        found.extend(_input_problems(spec, field))
    if spec.category not in menu:
        found.append(Problem(Severity.CRITICAL, ProblemCode.NO_MENU, details=(spec.category,)))
    found.extend(_cost_problems(spec))
    missing = tuple(lang for lang in ("ru", "en") if not spec.description.get(lang).strip())
    if missing:
        found.append(Problem(Severity.WARNING, ProblemCode.DESCRIPTION_MISSING, details=missing))
    return tuple(found)


def _input_problems(spec: ModelSpec, field: InputSpec) -> list[Problem]:
    found: list[Problem] = []
    if not field.offered:
        why = (field.withheld or "?",)
        found.append(Problem(Severity.INFO, ProblemCode.NOT_OFFERED, field.name, why))
    if field.kind is InputKind.TASK_REF:
        pass  # filled from the parent generation, never asked
    elif field.required and not field.askable:
        found.append(
            Problem(Severity.CRITICAL, ProblemCode.REQUIRED_UNASKABLE, field.name, (field.kind,))
        )
    elif field.required and field.default is None and field.name not in spec.order:
        found.append(Problem(Severity.CRITICAL, ProblemCode.REQUIRED_NOT_ASKED, field.name))
    if field.kind is InputKind.CHOICE:
        bare = tuple(
            dump_value(o.value)
            for o in field.options
            if o.label is None and not self_explanatory(o.value)
        )
        if bare:
            found.append(Problem(Severity.WARNING, ProblemCode.CHOICE_UNLABELLED, field.name, bare))
    return found


def _cost_problems(spec: ModelSpec) -> list[Problem]:
    span = credit_range(spec)
    if span is None:
        return [Problem(Severity.CRITICAL, ProblemCode.COST_UNKNOWN)]
    found: list[Problem] = []
    if spec.cost is not None and spec.cost.per_media_seconds is not None:
        rate = "–".join(dict.fromkeys(f"{c.normalize():f}" for c in span))
        found.append(
            Problem(Severity.INFO, ProblemCode.PER_SECOND, spec.cost.per_media_seconds, (rate,))
        )
    unknown = tuple(
        ", ".join(f"{name}={_shown(value)}" for name, value in combo.items() if value is not None)
        for combo in combinations(spec)
        if credits_for(spec, combo) is None
    )
    if unknown:
        found.append(Problem(Severity.WARNING, ProblemCode.COST_PARTIAL, details=unknown))
    return found


def _shown(value: object) -> str:
    # A per-second probe is a stand-in file: show its length, not the dict.
    if isinstance(value, Mapping):
        return f"{value.get('duration')} s"
    if isinstance(value, list | tuple):
        return PRESENT  # a stand-in for files given (cost.present)
    return dump_value(value)


def conversions(spec: ModelSpec) -> tuple[Conversion, ...]:
    """How each sendable input's answer is converted into the documented JSON."""
    return tuple(c for field in spec.inputs if field.askable for c in _conversions(field))


def _conversions(field: InputSpec) -> list[Conversion]:
    media = field.media.value if field.media is not None else "file"
    out: list[Conversion] = []
    if field.kind is InputKind.MEDIA_LIST:
        out.append(Conversion(field.name, ConversionKind.ONE_TO_LIST, media))
    elif field.kind is InputKind.MEDIA:
        out.append(Conversion(field.name, ConversionKind.ONE_URL, media))
    elif field.kind is InputKind.BOOLEAN:
        out.append(Conversion(field.name, ConversionKind.BOOLEAN))
    elif field.kind is InputKind.INTEGER:
        out.append(Conversion(field.name, ConversionKind.INTEGER))
        if field.step is not None and field.step != 1:
            out.append(Conversion(field.name, ConversionKind.ROUND_STEP, dump_value(field.step)))
    elif field.kind is InputKind.NUMBER and field.decimals == 0:
        # Rounded to whole numbers, which are sent as JSON integers: the integer case.
        out.append(Conversion(field.name, ConversionKind.INTEGER))
    elif field.kind is InputKind.NUMBER and field.decimals is not None:
        out.append(Conversion(field.name, ConversionKind.ROUND_DECIMALS, str(field.decimals)))
    elif field.kind is InputKind.NUMBER and field.step is not None:
        out.append(Conversion(field.name, ConversionKind.ROUND_STEP, dump_value(field.step)))
    if field.lowercase:
        out.append(Conversion(field.name, ConversionKind.LOWERCASE))
    return out
