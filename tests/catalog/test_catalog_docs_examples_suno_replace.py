"""The request examples of Suno's replace-section, cover-art and generate-persona pages (the
generate/* API, as KIE's copies at dog-test.kie.ai show them), typed into `kiegram try
--dry-run` with the parent task and track named, the printed body compared byte for byte; and
an end that does not follow the start by 6-60 s is refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from docs_examples_kit import case, expected, printed_body, same

from kiegram.cli.main import main

EXAMPLE = {
    "taskId": "2fac****9f72",
    "audioId": "e231****-****-****-****-****8cadc7dc",
    "prompt": "A calm and relaxing piano track.",
    "tags": "Jazz",
    "title": "Relaxing Piano",
    "negativeTags": "Rock",
    "infillStartS": 10.5,
    "infillEndS": 20.75,
    "fullLyrics": "[主歌1]\n原始歌词内容\n[副歌]\n此部分的修改歌词\n[主歌2]\n更多原始歌词",
}


CASES = [
    case("suno-api/replace-section", "suno-replace-section", EXAMPLE),
    case("suno-api/cover-suno", "suno-cover-image", {"taskId": "73d6128b3523a0079df10da9471017c8"}),
    case(
        "suno-api/generate-persona",
        "suno-persona",
        {
            "taskId": "5c79****be8e",
            "audioId": "e231****-****-****-****-****8cadc7dc",
            "name": "电子流行歌手",
            "description": "具有现代电子音乐风格的流行歌手,擅长动感节奏和合成器音色",
        },
    ),
]


@pytest.mark.parametrize(("model", "body"), CASES)
def test_the_docs_example_is_the_printed_body(
    model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = printed_body(model, body, capsys)
    assert same(printed, expected(model, body)), printed


@pytest.mark.parametrize(("end", "reason"), [("12", "at least 6"), ("75", "60 seconds long")])
def test_an_end_too_close_to_or_too_far_from_the_start_is_refused(
    end: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = {**EXAMPLE, "infillEndS": end}
    args = [f"--set={k}={v}" for k, v in sets.items()]
    code = main(["try", "suno-replace-section", *args, "--dry-run", "--json", "--lang", "en"])
    captured = capsys.readouterr()
    assert code != 0 and reason in captured.err + captured.out, captured
