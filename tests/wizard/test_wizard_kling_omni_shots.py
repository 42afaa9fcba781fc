"""Kling 3.0 Omni text-to-video offers multi-shot videos: with customize_multi_shots on, the
shots (multi_prompt, {prompt, duration}) are sent and their lengths must add up to the video's
duration, as on Kling 3.0; off (the default), neither shots nor anything new is sent."""

from __future__ import annotations

import json

import pytest

from kiegram.cli.main import main

MODEL = "kling-3.0-omni/text-to-video"
SHOTS = [{"prompt": "a street at dawn", "duration": 3}, {"prompt": "a roof at dusk", "duration": 5}]


def _body(out: str) -> dict[str, object]:
    body = json.loads(out[out.index("\n{") :])
    assert isinstance(body, dict)
    return body


def test_the_shots_are_sent_with_multi_shot_on(capsys: pytest.CaptureFixture[str]) -> None:
    shots = f"--set=multi_prompt={json.dumps(SHOTS)}"
    args = ["--set=prompt=a city", "--set=customize_multi_shots=true", shots, "--set=duration=8"]
    assert main(["try", MODEL, *args, "--dry-run", "--lang", "en"]) == 0
    body = _body(capsys.readouterr().out)
    assert body["input"] == {
        "prompt": "a city",
        "customize_multi_shots": True,
        "multi_prompt": SHOTS,
        "duration": 8,
    }


def test_shots_that_do_not_add_up_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    shots = f"--set=multi_prompt={json.dumps(SHOTS[:1])}"
    args = ["--set=prompt=a city", "--set=customize_multi_shots=true", shots, "--set=duration=8"]
    assert main(["try", MODEL, *args, "--dry-run", "--lang", "en"]) == 2
    assert "add up to 3" in capsys.readouterr().err


def test_one_shot_sends_no_shots(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", MODEL, "--set=prompt=a city", "--dry-run", "--lang", "en"]) == 0
    body = _body(capsys.readouterr().out)
    assert body["input"] == {"prompt": "a city", "customize_multi_shots": False}
