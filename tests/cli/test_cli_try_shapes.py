"""`kiegram try --dry-run` reproduces KIE's docs request examples byte for byte in values, and
refuses with a reason what it would not send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiegram.catalog import load_catalog
from kiegram.cli.main import main
from kiegram.sandbox.validate import validate_input

# docs.kie.ai/market/elevenlabs/text-to-dialogue-v3, its request example.
DIALOGUE_EXAMPLE: dict[str, Any] = {
    "stability": 0.5,
    "language_code": "auto",
    "dialogue": [
        {
            "text": "[excitedly] Hey Jessica! Have you tried the new ElevenLabs V3?",
            "voice": "TX3LPaxmHKxFdv7VOQHJ",
        },
        {
            "text": "[curiously] Yeah, just got it! The emotion is so amazing. "
            "I can actually do whispers now— [whispering] like this!",
            "voice": "cgSgspJ2msm6clMCkdW9",
        },
    ],
}


def dry_run(capsys: pytest.CaptureFixture[str], model: str, *sets: str) -> dict[str, Any]:
    args = ["try", model, "--dry-run", "--json"]
    for option in sets:
        args += ["--set", option]
    assert main(args) == 0, capsys.readouterr().err
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def refused(capsys: pytest.CaptureFixture[str], model: str, *sets: str) -> str:
    args = ["try", model, "--dry-run", "--json", "--lang", "en"]
    for option in sets:
        args += ["--set", option]
    assert main(args) == 2
    return capsys.readouterr().err


def test_the_dialogue_docs_example_is_reproduced(capsys: pytest.CaptureFixture[str]) -> None:
    body = dry_run(
        capsys,
        "elevenlabs/text-to-dialogue-v3",
        "stability=0.5",
        "language_code=auto",
        "dialogue=" + json.dumps(DIALOGUE_EXAMPLE["dialogue"], ensure_ascii=False),
    )
    assert body == {"model": "elevenlabs/text-to-dialogue-v3", "input": DIALOGUE_EXAMPLE}
    spec = load_catalog().get("elevenlabs/text-to-dialogue-v3")
    assert spec is not None and validate_input(spec, body["input"]) is None


def test_a_bad_dialogue_is_refused_with_the_bots_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = refused(capsys, "elevenlabs/text-to-dialogue-v3", 'dialogue=[{"text": "hi"}, {"x": 1}]')
    assert "Dialogue, no. 2: an item has no field “x”." in err


def test_kling_multi_shot_is_reproduced(capsys: pytest.CaptureFixture[str]) -> None:
    shots = [
        {"prompt": "First shot description with camera movement", "duration": 5},
        {"prompt": "Second shot description with different angle", "duration": 5},
    ]
    body = dry_run(
        capsys,
        "kling-3.0/video",
        "multi_shots=true",
        "image_urls=https://example.com/start-frame.png",
        "duration=10",
        "aspect_ratio=16:9",
        "mode=pro",
        "multi_prompt=" + json.dumps(shots),
    )
    assert body["input"]["multi_prompt"] == shots and body["input"]["multi_shots"] is True
    assert "prompt" not in body["input"]


def test_a_value_a_when_rule_would_drop_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "kling-3.0/video", "multi_shots=true", "prompt=a fox")
    assert "Prompt: the value would not be sent: the parameter applies only when" in err
    assert "Shots = Single shot" in err


def test_a_value_of_another_mode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(
        capsys,
        "bytedance/seedance-2",
        "prompt=a cat on the beach",
        "first_frame_url=https://example.com/a.webp",
        "reference_image_urls=https://example.com/b.png",
    )
    assert "belongs to the mode “References: images and audio”" in err


def test_an_input_never_sent_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "bytedance/seedance-2", "prompt=a cat", "return_last_frame=false")
    assert "return_last_frame: the value would not be sent: the model does not take" in err


def test_the_mode_follows_from_the_inputs_given(capsys: pytest.CaptureFixture[str]) -> None:
    body = dry_run(
        capsys,
        "bytedance/seedance-2",
        "prompt=a cat  walks\non the beach",
        "reference_image_urls=https://example.com/cat.webp",
    )
    assert body["input"] == {
        "prompt": "a cat  walks\non the beach",
        "reference_image_urls": ["https://example.com/cat.webp"],
    }


def test_text_is_sent_exactly_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    prompt = "  A fox,  in snow.\n\nCinematic light.\n"
    body = dry_run(capsys, "nano-banana-pro", f"prompt={prompt}")
    assert body["input"]["prompt"] == prompt


def test_an_explicit_empty_string_is_sent(capsys: pytest.CaptureFixture[str]) -> None:
    spec = next(
        s
        for s in load_catalog().usable()
        if s.id.startswith("qwen") and "negative_prompt" in s.inputs_by_name()
    )
    body = dry_run(capsys, spec.id, "prompt=a fox", "negative_prompt=")
    assert body["input"]["negative_prompt"] == ""
    assert validate_input(spec, body["input"]) is None


def test_a_number_documented_as_a_string_is_sent_as_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = dry_run(
        capsys,
        "grok-imagine/image-to-video",
        "image_urls=https://example.com/a.webp",
        "prompt=a fox",
        "duration=10",
    )
    assert body["input"]["duration"] == "10"


def test_shots_must_make_up_the_duration(capsys: pytest.CaptureFixture[str]) -> None:
    shots = [{"prompt": "a", "duration": 5}, {"prompt": "b", "duration": 4}]
    err = refused(
        capsys,
        "kling-3.0/video",
        "multi_shots=true",
        "duration=10",
        f"multi_prompt={json.dumps(shots)}",
    )
    assert "add up to 9; they must equal" in err


def test_an_explicit_empty_value_is_sent_as_documented(capsys: pytest.CaptureFixture[str]) -> None:
    # docs.kie.ai/market/google/pro-image-to-image sends "image_input": [] (no photo).
    body = dry_run(capsys, "nano-banana-pro", "prompt=A comic poster", "image_input=")
    assert body["input"]["image_input"] == []
    # ...and hailuo/02-image-to-video-pro sends "end_image_url": "" (no last frame).
    body = dry_run(
        capsys,
        "hailuo/02-image-to-video-pro",
        "prompt=A starship",
        "image_url=https://example.com/a.png",
        "end_image_url=",
    )
    assert body["input"]["end_image_url"] == ""


def test_an_empty_required_value_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["try", "qwen2/text-to-image", "--dry-run", "--lang", "en", "--set", "prompt="]
    assert main(args) == 2
    assert "Prompt: the value is empty" in capsys.readouterr().err


def test_a_follow_up_names_its_earlier_task_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # docs.kie.ai/veo3-api/get-veo-3-4k-video: {"taskId": "veo_task_abcdef123456", "index": 0}
    body = dry_run(capsys, "veo3.1-4k", "taskId=veo_task_abcdef123456", "index=0")
    assert body == {"taskId": "veo_task_abcdef123456", "index": 0}
    args = ["try", "veo3.1-4k", "--dry-run", "--json", "--lang", "en"]
    assert main([*args, "--set", "taskId=veo_task_1", "--set", "index=first"]) == 2
    assert "send a number" in capsys.readouterr().err
