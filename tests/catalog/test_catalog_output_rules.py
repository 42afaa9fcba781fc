"""A model's output kind by its options (`outputs`), and documented inputs the catalog withholds
(`offered = false` with its `withheld` reason), as the audit and `kiegram try` show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiegram.catalog import OutputKind, load_catalog
from kiegram.catalog.audit import ProblemCode, audit_catalog, render_text
from kiegram.cli.main import main
from kiegram.errors import CatalogError

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("task_type", "kind"),
    [
        ("mj_txt2img", OutputKind.IMAGE),
        ("mj_img2img", OutputKind.IMAGE),
        ("mj_style_reference", OutputKind.IMAGE),
        ("mj_video", OutputKind.VIDEO),
        ("mj_video_hd", OutputKind.VIDEO),
    ],
)
def test_midjourney_delivers_what_its_task_type_makes(task_type: str, kind: OutputKind) -> None:
    spec = CATALOG.get("midjourney")
    assert spec is not None
    assert spec.output_for({"taskType": task_type}) is kind
    assert spec.output_kinds == (OutputKind.IMAGE, OutputKind.VIDEO)


def test_a_model_without_rules_delivers_its_one_kind() -> None:
    spec = CATALOG.get("veo3.1")
    assert spec is not None
    assert spec.output_for({}) is OutputKind.VIDEO and spec.output_kinds == (OutputKind.VIDEO,)


def test_an_output_rule_naming_an_unknown_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(
        'family = "x"\n[[models]]\nid = "x"\ncode = "x"\ncategory = "text-to-image"\n'
        'output = "image"\noutputs = [{ when = { nope = ["a"] }, kind = "video" }]\n'
        'docs_url = "https://docs.kie.ai/x"\norder = ["prompt"]\n'
        'name = { ru = "X", en = "X" }\ndescription = { ru = "X", en = "X" }\n'
        '[[models.inputs]]\nname = "prompt"\nkind = "text"\nrequired = true\n'
        "[models.cost]\n[models.cost.table]\n'*' = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"outputs\.when"):
        load_catalog(tmp_path)


def test_the_audit_names_each_withheld_input_with_its_reason() -> None:
    report = audit_catalog(CATALOG)
    veo = next(m for m in report.models if m.id == "veo3.1")
    withheld = [p for p in veo.problems if p.code is ProblemCode.NOT_OFFERED]
    assert [p.input for p in withheld] == ["enableFallback"]
    assert "deprecated" in withheld[0].details[0] and "price" in withheld[0].details[0]
    text = render_text(report, "en")
    assert "documented input enableFallback is neither asked nor sent: deprecated" in text
    assert "параметр enableFallback есть в документации" in render_text(report, "ru")
    # Every withheld input of the catalog says why.
    everywhere = [
        (m.id, p.input, p.details)
        for m in report.models
        for p in m.problems
        if p.code is ProblemCode.NOT_OFFERED
    ]
    assert everywhere and all(d and d[0] != "?" for _, _, d in everywhere), everywhere


def test_try_refuses_a_withheld_input_with_the_catalogs_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--set", "prompt=a dog", "--set", "enableFallback=false", "--lang", "en"]
    code = main(["try", "veo3.1", *args, "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "enableFallback" in err and "deprecated on docs.kie.ai" in err
