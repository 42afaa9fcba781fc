"""Shared by the docs-example tests (part 3 and 4): one case per docs page, typed into
`kiegram try MODEL ... --dry-run --json` value by value, the printed body compared byte for byte.

A Market model's body must be `{"model": <id>, "input": <the example's input>}`; a dedicated
API's (Suno, Veo, Runway, 4o Image, Flux Kontext) is the example's flat body without its
`callBackUrl` (the bot adds its own).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiegram.catalog import ApiFamily, InputKind, InputSpec, load_catalog
from kiegram.cli.main import main

CATALOG = load_catalog()


def case(page: str, model: str, body: dict[str, Any], xfail: str = "") -> Any:
    """One docs example of `model` (catalog id); `xfail` names why it cannot be reproduced."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(model, body, id=page, marks=marks)


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
