"""Renders an AuditReport as Russian or English text, or as JSON for machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from kiegram.catalog.audit_types import AuditReport, Conversion, ModelAudit, Problem
from kiegram.catalog.spec import dump_value
from kiegram.i18n import Translator, load_translator

_ARROW = " → "


def render_json(report: AuditReport) -> str:
    """The report as indented JSON: {"totals": {...}, "models": [...]}."""
    return json.dumps(_jsonable(report), ensure_ascii=False, indent=2)


def _jsonable(report: AuditReport) -> dict[str, Any]:
    models = []
    for entry in report.models:
        data = asdict(entry)
        data["defaults_sent"] = dict(entry.defaults_sent)
        data["steps"] = list(entry.steps)
        models.append(data)
    return {"totals": asdict(report.totals), "models": models}


def render_text(report: AuditReport, lang: str = "ru", tr: Translator | None = None) -> str:
    """The report as plain text in `lang` ("ru" or "en")."""
    t = tr or load_translator()
    lines = [t(lang, "audit.title"), t(lang, "audit.totals", **asdict(report.totals)), ""]
    for entry in report.models:
        lines.extend(_model_lines(entry, lang, t))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _model_lines(entry: ModelAudit, lang: str, t: Translator) -> list[str]:
    menu = t(lang, f"audit.menu.{entry.menu}") if entry.menu else t(lang, "audit.none")
    if entry.usable:
        head = t(lang, "audit.model_usable", id=entry.id, code=entry.code, menu=menu)
    else:
        head = t(lang, "audit.model_held", id=entry.id, code=entry.code, reason=entry.held_reason)
    none = t(lang, "audit.none")
    defaults = ", ".join(f"{n}={dump_value(v)}" for n, v in entry.defaults_sent)
    conversions = "; ".join(_conversion(c, lang, t) for c in entry.conversions)
    lines = [
        head,
        "  " + t(lang, "audit.questions", steps=_steps(entry, lang, t)),
        "  " + t(lang, "audit.required", names=", ".join(entry.required) or none),
        "  " + t(lang, "audit.defaults", pairs=defaults or none),
        "  " + t(lang, "audit.conversions", items=conversions or none),
    ]
    lines.extend("  " + _problem(p, lang, t) for p in entry.problems)
    return lines


def _steps(entry: ModelAudit, lang: str, t: Translator) -> str:
    steps = list(entry.order)
    if entry.settings:
        steps.append(t(lang, "audit.settings_step", names=", ".join(entry.settings)))
    steps.append(t(lang, "audit.confirm_step"))
    return _ARROW.join(steps)


def _conversion(conv: Conversion, lang: str, t: Translator) -> str:
    media = t(lang, f"audit.media.{conv.detail}") if conv.kind.startswith("one_") else ""
    return t(lang, f"audit.conv.{conv.kind}", input=conv.input, detail=conv.detail, media=media)


def _problem(problem: Problem, lang: str, t: Translator) -> str:
    severity = t(lang, f"audit.severity.{problem.severity}")
    text = t(
        lang,
        f"audit.problem.{problem.code}",
        input=problem.input or "",
        details="; ".join(problem.details),
    )
    return f"{severity}: {text}"
