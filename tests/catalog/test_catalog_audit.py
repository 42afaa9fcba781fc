"""The audit's totals and per-model findings, on a fixture catalog and on the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiegram.catalog import Category, load_catalog
from kiegram.catalog.audit import (
    AuditReport,
    ConversionKind,
    ModelAudit,
    Problem,
    ProblemCode,
    Severity,
    audit_catalog,
    render_text,
)
from kiegram.catalog.audit_checks import self_explanatory
from kiegram.catalog.menu import MENU_SECTIONS, SECTION_OF

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return audit_catalog(load_catalog(FIXTURES / "audit"))


def _model(report: AuditReport, model_id: str) -> ModelAudit:
    return next(m for m in report.models if m.id == model_id)


def _codes(entry: ModelAudit) -> list[tuple[Severity, ProblemCode]]:
    return [(p.severity, p.code) for p in entry.problems]


def test_totals(report: AuditReport) -> None:
    totals = report.totals
    assert (totals.models, totals.usable, totals.held) == (8, 7, 1)
    assert totals.with_problems == 3  # struct-required, not-asked, no-cost
    assert totals.with_warnings == 3  # partial-cost, unlabelled, no-description
    assert totals.critical == report.critical == 3


def test_a_clean_model_lists_order_settings_required_defaults_and_conversions(
    report: AuditReport,
) -> None:
    clean = _model(report, "fx/clean")
    assert clean.problems == ()
    assert clean.menu == "edit_image"
    assert clean.order == ("image_urls", "prompt")
    assert clean.settings[:2] == ("resolution", "aspect_ratio")
    assert clean.steps[:2] == ("image_urls", "prompt")
    assert clean.steps[2].startswith("settings: resolution, aspect_ratio")
    assert clean.steps[-1] == "confirm"
    assert clean.required == ("image_urls", "prompt", "resolution")
    assert clean.defaults_sent == (("resolution", "1K"),)
    conversions = {(c.input, c.kind, c.detail) for c in clean.conversions}
    assert conversions == {
        ("image_urls", ConversionKind.ONE_TO_LIST, "image"),
        ("video_url", ConversionKind.ONE_URL, "video"),
        ("guidance_scale", ConversionKind.ROUND_DECIMALS, "1"),
        ("strength", ConversionKind.ROUND_STEP, "0.05"),
        ("seed", ConversionKind.INTEGER, ""),
        ("output_format", ConversionKind.LOWERCASE, ""),
        ("enable_safety_checker", ConversionKind.BOOLEAN, ""),
    }


def test_critical_problems(report: AuditReport) -> None:
    struct = _model(report, "fx/struct-required")
    assert struct.problems == (
        Problem(Severity.CRITICAL, ProblemCode.REQUIRED_UNASKABLE, "elements", ("struct",)),
    )
    not_asked = _model(report, "fx/not-asked")
    assert not_asked.problems == (
        Problem(Severity.CRITICAL, ProblemCode.REQUIRED_NOT_ASKED, "voice"),
    )
    assert _codes(_model(report, "fx/no-cost")) == [(Severity.CRITICAL, ProblemCode.COST_UNKNOWN)]


def test_warnings(report: AuditReport) -> None:
    partial = _model(report, "fx/partial-cost")
    assert partial.problems == (
        Problem(
            Severity.WARNING, ProblemCode.COST_PARTIAL, details=("resolution=1080p, duration=10",)
        ),
    )
    unlabelled = _model(report, "fx/unlabelled")
    assert unlabelled.problems == (
        Problem(Severity.WARNING, ProblemCode.CHOICE_UNLABELLED, "style", ("vivid", "anime")),
    )
    described = _model(report, "fx/no-description")
    assert described.problems == (
        Problem(Severity.WARNING, ProblemCode.DESCRIPTION_MISSING, details=("en",)),
    )


def test_a_held_model_is_info_with_its_reason(report: AuditReport) -> None:
    held = _model(report, "fx/held")
    assert not held.usable and held.held_reason == "schema not confirmed"
    assert held.problems == (
        Problem(Severity.INFO, ProblemCode.HELD, details=("schema not confirmed",)),
    )


def test_a_model_no_menu_reaches_is_critical() -> None:
    menu = {c: s for c, s in SECTION_OF.items() if c is not Category.MUSIC}
    report = audit_catalog(load_catalog(FIXTURES / "audit"), menu=menu)
    no_cost = _model(report, "fx/no-cost")
    assert no_cost.menu is None
    assert (Severity.CRITICAL, ProblemCode.NO_MENU) in _codes(no_cost)
    assert report.critical == 4


def test_every_category_is_reachable_from_exactly_one_section() -> None:
    listed = [c for cats in MENU_SECTIONS.values() for c in cats]
    assert sorted(listed) == sorted(Category)


@pytest.mark.parametrize(
    "value", ["16:9", "21:9", "720p", "1K", "4K", "5", "0.5", "5s", "1024x768", 3]
)
def test_self_explanatory_values(value: str | int) -> None:
    assert self_explanatory(value)


@pytest.mark.parametrize("value", ["vivid", "auto", "square_hd", "V4_5", "m"])
def test_values_that_need_a_label(value: str) -> None:
    assert not self_explanatory(value)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Models: 8 (usable: 7, held back: 1). With critical problems: 3, with warnings: 3, "
                "critical problems: 3.",
                "fx/clean [fx_clean] — usable, menu: Edit an image",
                "  Questions: image_urls → prompt → settings: resolution, aspect_ratio,",
                "  Required: image_urls, prompt, resolution",
                "  Defaults sent: resolution=1K",
                "image_urls: one photo → a one-element list",
                "  CRITICAL: required input elements cannot be asked by the wizard (kind struct)",
                "  WARNING: the values of style have no labels: vivid; anime",
                "fx/held [fx_held] — held back: schema not confirmed",
            ],
        ),
        (
            "ru",
            [
                "Моделей: 8 (доступны: 7, скрыты: 1).",
                "fx/clean [fx_clean] — доступна, меню: Изменить изображение",
                "  Вопросы: image_urls → prompt → настройки: resolution, aspect_ratio,",
                "  Обязательные: image_urls, prompt, resolution",
                "  Отправляются по умолчанию: resolution=1K",
                "image_urls: одно фото → список из одного URL",
                "  КРИТИЧНО: стоимость неизвестна ни для одного варианта",
                "  ПРЕДУПРЕЖДЕНИЕ: пустое описание (en)",
            ],
        ),
    ],
)
def test_text_report_lines(report: AuditReport, lang: str, expected: list[str]) -> None:
    text = render_text(report, lang)
    for fragment in expected:
        assert fragment in text, fragment


def test_the_real_catalog_has_no_critical_problem_among_usable_models() -> None:
    """The acceptance check of the catalog: may fail until the data is complete."""
    report = audit_catalog(load_catalog())
    critical = [
        f"{m.id}: {p.code} {p.input or ''} {', '.join(p.details)}"
        for m in report.models
        if m.usable
        for p in m.problems
        if p.severity is Severity.CRITICAL
    ]
    assert not critical, "\n".join(critical)


def test_the_real_catalog_report_is_consistent() -> None:
    catalog = load_catalog()
    report = audit_catalog(catalog)
    assert report.totals.models == len(catalog) == len(report.models)
    assert report.totals.usable + report.totals.held == report.totals.models
    for entry in report.models:
        if entry.usable:
            assert entry.menu is not None
            # The notes a usable model carries: its price is per second of a file, it is off
            # until switched on in /admin, and a documented input is withheld (with why).
            infos = [p.code for p in entry.problems if p.severity is Severity.INFO]
            notes = {ProblemCode.PER_SECOND, ProblemCode.OFF_BY_DEFAULT, ProblemCode.NOT_OFFERED}
            assert set(infos) <= notes
            off = catalog.get(entry.id).off_by_default  # type: ignore[union-attr]
            assert (ProblemCode.OFF_BY_DEFAULT in infos) == off
        else:
            assert [p.code for p in entry.problems] == [ProblemCode.HELD]
    for lang in ("ru", "en"):
        assert render_text(report, lang).count("\n\n") >= len(catalog)


@pytest.mark.parametrize("model_id", ["gpt-image-2-text-to-image", "gpt-image-2-image-to-image"])
def test_unpriced_combinations_are_only_those_a_user_can_reach(model_id: str) -> None:
    """Resolution is asked only for some ratios: 'auto' + 4K is never chosen, so it is no
    gap; 1:1 + 4K can be, and KIE refuses it: the one combination reported."""
    report = audit_catalog(load_catalog())
    (partial,) = [
        p for p in _model(report, model_id).problems if p.code is ProblemCode.COST_PARTIAL
    ]
    assert partial.details == ("aspect_ratio=1:1, resolution=4K",)
    # Speed is asked only for image tasks: a video without a speed is priced, and the gaps are
    # the two task types no source prices (never offered), not speeds of a video.
    midjourney = _model(report, "midjourney")
    (gaps,) = [p for p in midjourney.problems if p.code is ProblemCode.COST_PARTIAL]
    assert gaps.details == ("taskType=mj_omni_reference", "taskType=mj_video_hd")
