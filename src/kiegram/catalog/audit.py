"""The catalog's report about itself: per model what is asked, sent, converted and wrong."""

from __future__ import annotations

from collections.abc import Mapping

from kiegram.catalog.audit_checks import conversions, problems
from kiegram.catalog.audit_render import render_json, render_text
from kiegram.catalog.audit_types import (
    AuditReport,
    AuditTotals,
    Conversion,
    ConversionKind,
    ModelAudit,
    Problem,
    ProblemCode,
    Severity,
)
from kiegram.catalog.catalog import Catalog
from kiegram.catalog.kinds import Category
from kiegram.catalog.menu import SECTION_OF
from kiegram.catalog.spec import ModelSpec


def audit_catalog(catalog: Catalog, menu: Mapping[Category, str] = SECTION_OF) -> AuditReport:
    """Audit every model of `catalog`; `menu` maps categories to the sections reaching them."""
    entries = tuple(_audit_model(s, menu, conversions(s), problems(s, menu)) for s in catalog)
    totals = AuditTotals(
        models=len(entries),
        usable=sum(1 for e in entries if e.usable),
        held=sum(1 for e in entries if not e.usable),
        with_problems=sum(1 for e in entries if e.count(Severity.CRITICAL)),
        with_warnings=sum(1 for e in entries if e.count(Severity.WARNING)),
        critical=sum(e.count(Severity.CRITICAL) for e in entries if e.usable),
    )
    return AuditReport(totals=totals, models=entries)


def _audit_model(
    spec: ModelSpec,
    menu: Mapping[Category, str],
    converted: tuple[Conversion, ...],
    found: tuple[Problem, ...],
) -> ModelAudit:
    asked = set(spec.order)
    return ModelAudit(
        id=spec.id,
        code=spec.code,
        family=spec.family,
        category=spec.category.value,
        menu=menu.get(spec.category),
        usable=spec.usable,
        held_reason=spec.held_reason,
        order=spec.order,
        # Required inputs with a default are adjustable too, so they belong on the settings screen.
        settings=tuple(i.name for i in spec.inputs if i.askable and i.name not in asked),
        required=tuple(i.name for i in spec.inputs if i.required),
        defaults_sent=tuple(
            (i.name, i.default) for i in spec.inputs if i.required and i.default is not None
        ),
        conversions=converted,
        problems=found,
    )


__all__ = [
    "AuditReport",
    "AuditTotals",
    "Conversion",
    "ConversionKind",
    "ModelAudit",
    "Problem",
    "ProblemCode",
    "Severity",
    "audit_catalog",
    "render_json",
    "render_text",
]
