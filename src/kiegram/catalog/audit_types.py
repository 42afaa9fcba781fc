"""The audit's result types: findings, conversions, per-model entries and totals."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiegram.catalog.spec import Value


class Severity(StrEnum):
    """How much a finding matters: critical blocks release, info only informs."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class ProblemCode(StrEnum):
    """What kind of finding it is (also its message key in i18n/<lang>/audit.toml)."""

    REQUIRED_UNASKABLE = "required_unaskable"
    REQUIRED_NOT_ASKED = "required_not_asked"
    NO_MENU = "no_menu"
    COST_UNKNOWN = "cost_unknown"
    CHOICE_UNLABELLED = "choice_unlabelled"
    COST_PARTIAL = "cost_partial"
    DESCRIPTION_MISSING = "description_missing"
    HELD = "held"
    PER_SECOND = "per_second"
    OFF_BY_DEFAULT = "off_by_default"
    NOT_OFFERED = "not_offered"


class ConversionKind(StrEnum):
    """How an answer is turned into the JSON the model documents."""

    ONE_TO_LIST = "one_to_list"
    ONE_URL = "one_url"
    ROUND_DECIMALS = "round_decimals"
    ROUND_STEP = "round_step"
    INTEGER = "integer"
    LOWERCASE = "lowercase"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Problem:
    """One finding about a model, optionally about one of its inputs."""

    severity: Severity
    code: ProblemCode
    input: str | None = None
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversion:
    """One conversion applied to an input's answer before it is sent."""

    input: str
    kind: ConversionKind
    detail: str = ""


@dataclass(frozen=True)
class ModelAudit:
    """The audit of one model."""

    id: str
    code: str
    family: str
    category: str
    menu: str | None
    usable: bool
    held_reason: str
    order: tuple[str, ...]
    settings: tuple[str, ...]
    required: tuple[str, ...]
    defaults_sent: tuple[tuple[str, Value], ...]
    conversions: tuple[Conversion, ...]
    problems: tuple[Problem, ...]

    def count(self, severity: Severity) -> int:
        """How many findings of this severity the model has."""
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def steps(self) -> tuple[str, ...]:
        """The questions in the order asked, ending with the settings screen and confirm."""
        settings = (f"settings: {', '.join(self.settings)}",) if self.settings else ()
        return (*self.order, *settings, "confirm")


@dataclass(frozen=True)
class AuditTotals:
    """Counts over the whole catalog.

    `with_problems` counts models with a critical problem, `with_warnings` models with a
    warning, `critical` the critical problems themselves.
    """

    models: int
    usable: int
    held: int
    with_problems: int
    with_warnings: int
    critical: int


@dataclass(frozen=True)
class AuditReport:
    """The whole audit: totals, then one entry per model in catalog order."""

    totals: AuditTotals
    models: tuple[ModelAudit, ...]

    @property
    def critical(self) -> int:
        """The number of critical problems among usable models (non-zero fails the audit)."""
        return self.totals.critical
