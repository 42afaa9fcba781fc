"""`kiegram try`: --dry-run prints the exact body; bad values exit 2 with the bot's message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiegram.catalog import load_catalog
from kiegram.cli.main import build_parser, main
from kiegram.cli.try_cmd import run_try


def _media_only_id() -> str:
    from kiegram.wizard.state import media_only

    return next(
        s.id for s in load_catalog().usable() if media_only(s, {}) and s.id.startswith("recraft/")
    )


def test_dry_run_prints_the_request_body(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "try",
            "nano-banana-pro",
            "--set",
            "prompt=a red fox",
            "--set",
            "resolution=2k",
            "--file",
            "image_input=https://example.com/fox.png",
            "--dry-run",
            "--json",
        ]
    )
    body = json.loads(capsys.readouterr().out)
    assert code == 0
    assert body["model"] == "nano-banana-pro"
    assert body["input"]["prompt"] == "a red fox" and body["input"]["resolution"] == "2K"
    assert body["input"]["image_input"] == ["https://example.com/fox.png"]


def test_local_files_become_file_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG fake")
    model = _media_only_id()
    field = load_catalog().get(model).order[0]  # type: ignore[union-attr]
    assert main(["try", model, "--file", f"{field}={picture}", "--dry-run", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["input"][field] == f"file:{picture}"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ru", "Разрешение: выберите один из вариантов: 1K, 2K, 4K."),
        ("en", "Resolution: choose one of: 1K, 2K, 4K."),
    ],
)
def test_an_invalid_value_exits_2_with_the_translated_message(
    lang: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "try",
            "nano-banana-pro",
            "--set",
            "prompt=fox",
            "--set",
            "resolution=8K",
            "--dry-run",
            "--lang",
            lang,
        ]
    )
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert message in captured.err


def test_too_long_text_and_unknown_names_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "try",
                "nano-banana-pro",
                "--set",
                "prompt=" + "x" * 20001,
                "--dry-run",
                "--lang",
                "en",
            ]
        )
        == 2
    )
    assert "the limit is" in capsys.readouterr().err
    assert main(["try", "nano-banana-pro", "--set", "nope=1", "--dry-run", "--lang", "en"]) == 2
    assert "nano-banana-pro has no parameter nope" in capsys.readouterr().err


def test_missing_required_answers_without_a_terminal_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["try", "nano-banana-pro", "--dry-run", "--lang", "en"]) == 2
    assert "is required" in capsys.readouterr().err


def test_a_person_at_a_terminal_is_asked_for_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = build_parser().parse_args(
        ["try", "nano-banana-pro", "--dry-run", "--json", "--lang", "en"]
    )
    replies = iter(["", "a fox in snow"])  # refused empty, the prompt: all nano-banana-pro needs
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    spec = load_catalog().get("nano-banana-pro")
    assert spec is not None
    code = run_try(args, ask=ask)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Describe the picture" in out and "E.g." in out  # the question says what is good
    assert "Step 1 of" not in out  # one question: no counter
    body = json.loads(out[out.index("{\n") :])
    assert body["input"]["prompt"] == "a fox in snow"


def test_an_example_prompt_is_one_button_away_at_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = build_parser().parse_args(["try", "z-image", "--dry-run", "--json", "--lang", "en"])
    spec = load_catalog().get("z-image")
    assert spec is not None and spec.examples
    code = run_try(args, ask=lambda prompt: "#1")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "💡" in out
    body = json.loads(out[out.index("{\n") :])
    assert body["input"]["prompt"] == spec.examples[0].en


async def test_submit_uploads_local_files_creates_the_task_and_prints_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import httpx

    from kiegram.cli.try_cmd import submit

    monkeypatch.setenv("KIE_API_KEY", "test-key")
    monkeypatch.setenv("KIE_BASE_URL", "https://kie.test")
    monkeypatch.setenv("KIE_UPLOAD_BASE_URL", "https://upload.test")
    seen: list[tuple[str, bytes]] = []
    polls = iter(["generating", "success"])

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.content))
        if request.url.host == "upload.test":
            data = {"downloadUrl": "https://files.test/cat.png"}
            return httpx.Response(200, json={"code": 200, "success": True, "data": data})
        if request.url.path.endswith("createTask"):
            return httpx.Response(200, json={"code": 200, "data": {"taskId": "t1"}})
        state = next(polls)
        result = (
            json.dumps({"resultUrls": ["https://out.test/1.png"]}) if state == "success" else ""
        )
        data = {"taskId": "t1", "state": state, "resultJson": result}
        return httpx.Response(200, json={"code": 200, "data": data})

    spec = load_catalog().get("recraft/remove-background")
    assert spec is not None
    ref = f"file:{tmp_path / 'cat.png'}"
    values = {
        "image": {"ref": ref, "media": "image", "mime": "image/png", "size": 3, "name": "cat.png"}
    }
    code = await submit(
        spec, values, {ref: (b"png", "cat.png")}, False, httpx.MockTransport(handle), 0.0
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == "https://out.test/1.png"
    create = next(json.loads(body) for path, body in seen if path.endswith("createTask"))
    assert create == {"model": spec.id, "input": {"image": "https://files.test/cat.png"}}
