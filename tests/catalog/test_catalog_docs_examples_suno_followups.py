"""The request examples of Suno's replace-section, cover-art and generate-persona pages (the
generate/* API, as KIE's copies at dog-test.kie.ai show them; `docs_examples/suno_followups.json`),
typed into `kiegram try --dry-run` with the parent task and track named, the printed body
compared byte for byte; and an end that does not follow the start by 6-60 s is refused with
the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docs_examples_kit import docs_example_test

from kiegram.cli.main import main

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).with_name("docs_examples") / "suno_followups.json").read_text("utf-8")
)


test_the_docs_example_is_the_printed_body = docs_example_test("suno_followups")


@pytest.mark.parametrize(("end", "reason"), [("12", "at least 6"), ("75", "60 seconds long")])
def test_an_end_too_close_to_or_too_far_from_the_start_is_refused(
    end: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = {**CASES[0]["body"], "infillEndS": end}
    args = [f"--set={k}={v}" for k, v in sets.items()]
    code = main(["try", "suno-replace-section", *args, "--dry-run", "--json", "--lang", "en"])
    captured = capsys.readouterr()
    assert code != 0 and reason in captured.err + captured.out, captured
