"""`kiegram catalog audit`: exit codes, --json shape and --lang."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiegram.catalog import load_catalog
from kiegram.catalog.audit import audit_catalog
from kiegram.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["catalog", "audit", *args])
    return code, capsys.readouterr().out


def test_exit_1_when_a_usable_model_has_a_critical_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, "--data-dir", str(FIXTURES / "audit"), "--lang", "en")
    assert code == 1
    assert "critical problems: 3." in out


def test_exit_0_on_a_clean_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--data-dir", str(FIXTURES / "good"))
    assert code == 0
    assert out.startswith("Аудит каталога моделей\n")


def test_the_real_catalog_exit_code_follows_its_critical_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _ = _run(capsys)
    assert code == (1 if audit_catalog(load_catalog()).critical else 0)


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--json", "--data-dir", str(FIXTURES / "audit"))
    data = json.loads(out)
    assert code == 1
    assert data["totals"] == {
        "models": 8,
        "usable": 7,
        "held": 1,
        "with_problems": 3,
        "with_warnings": 3,
        "critical": 3,
    }
    clean = data["models"][0]
    assert set(clean) >= {
        "id", "code", "family", "category", "menu", "usable", "held_reason", "order",
        "settings", "steps", "required", "defaults_sent", "conversions", "problems",
    }  # fmt: skip
    assert clean["id"] == "fx/clean" and clean["defaults_sent"] == {"resolution": "1K"}
    assert clean["conversions"][0] == {
        "input": "image_urls",
        "kind": "one_to_list",
        "detail": "image",
    }
    struct = next(m for m in data["models"] if m["id"] == "fx/struct-required")
    assert struct["problems"] == [
        {
            "severity": "critical",
            "code": "required_unaskable",
            "input": "elements",
            "details": ["struct"],
        }
    ]


def test_a_broken_catalog_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["catalog", "audit", "--data-dir", str(FIXTURES / "broken")])
    assert code == 2
    assert capsys.readouterr().err.startswith("kiegram: ")


def test_the_console_script_runs_on_the_real_catalog() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiegram.cli.main", "catalog", "audit", "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.startswith("Model catalog audit\nModels: ")
