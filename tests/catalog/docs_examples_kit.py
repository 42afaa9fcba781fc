"""The docs-example tests' one runner: each case of `docs_examples/<part>.json` is typed into
`kiegram try MODEL ... --dry-run --json` value by value and the printed body compared byte for byte.

A case is data: `{"page": <docs path>, "model": <catalog id>, "body": <the example's input>}`,
with `"xfail"` naming why it cannot be reproduced (a strict xfail, so it fails once the reason is
gone), `"id"` where the test id is not the page, and `"source"` where the example comes from
another copy than the part's own (its module docstring names that one). A Market model's body
must print as `{"model": <id>, "input": <body>}`; a dedicated API's (Suno, Veo, Runway,
Midjourney, 4o Image, Flux Kontext) as the example's flat body without its `callBackUrl` (the bot
adds its own).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiegram.catalog import ApiFamily, InputKind, InputSpec, load_catalog
from kiegram.cli.main import main

CATALOG = load_catalog()
DATA = Path(__file__).with_name("docs_examples")


def cases(part: str) -> list[dict[str, Any]]:
    """The cases of `docs_examples/<part>.json`, as written there."""
    loaded: list[dict[str, Any]] = json.loads((DATA / f"{part}.json").read_text("utf-8"))
    return loaded


def params(part: str) -> list[Any]:
    """The cases of `part` as pytest parameters (model, body), each with its id and xfail."""
    return [
        pytest.param(
            case["model"],
            case["body"],
            id=case.get("id", case["page"]),
            marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else [],
        )
        for case in cases(part)
    ]


def docs_example_test(part: str) -> Callable[..., None]:
    """The parametrised test of every case of `part`; a module binds it to a `test_` name."""

    @pytest.mark.parametrize(("model", "body"), params(part))
    def test(model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
        printed = printed_body(model, body, capsys)
        assert same(printed, expected(model, body)), printed

    return test


def typed(field: InputSpec | None, name: str, value: Any) -> list[str]:
    """The `try` options that give `value` to `name` as a person would type it."""
    if value in ("", []):
        return [f"--set={name}="]  # an explicit empty value
    if field is not None and field.is_media:
        urls = value if isinstance(value, list) else [value]
        return [f"--file={name}={url}" for url in urls]
    if field is not None and field.kind is InputKind.OBJECT_LIST:
        return [f"--set={name}={json.dumps(value, ensure_ascii=False)}"]
    if isinstance(value, bool):
        return [f"--set={name}={'true' if value else 'false'}"]
    if isinstance(value, list):
        return [f"--set={name}={item}" for item in value]
    return [f"--set={name}={value}"]


def printed_body(model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> Any:
    """Type the example into `kiegram try --dry-run`; the body it prints, parsed."""
    spec = CATALOG.get(model)
    assert spec is not None and spec.usable, model
    fields = spec.inputs_by_name()
    args = [a for name, value in body.items() for a in typed(fields.get(name), name, value)]
    code = main(["try", spec.id, *args, "--dry-run", "--json", "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def expected(model: str, body: dict[str, Any]) -> dict[str, Any]:
    """What `try` must print for the example `body` of `model`."""
    spec = CATALOG.get(model)
    assert spec is not None
    return {"model": model, "input": body} if spec.api is ApiFamily.MARKET else body


def same(printed: Any, wanted: Any) -> bool:
    """Equal values with equal JSON types (1 is not 1.0 nor "1"; key order aside)."""
    return json.dumps(printed, sort_keys=True) == json.dumps(wanted, sort_keys=True)
