"""KIE's documented model schemas, as the catalog tests compare against them.

The authority is `../shared/kie/models.json` beside the checkout; a clone elsewhere (CI)
does not have it, so the fields the tests read are kept in `fixtures/kie_models.json`.
When the shared file is here, the tests check the copy still matches it; to refresh it:

    .venv/bin/python tests/catalog/kie_schemas.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# tests/catalog/<this file> -> parents[2] is the repo; shared/ sits next to it.
SHARED_MODELS = HERE.parents[1] / ".." / "shared" / "kie" / "models.json"
VENDORED = HERE / "fixtures" / "kie_models.json"
MODEL_KEYS = ("model", "api", "docs_url", "confidence")
DROPPED_FIELD_KEYS = {"note"}  # prose; everything else a field documents is kept


def project(models_json: dict[str, Any]) -> dict[str, Any]:
    """The part of models.json the tests use: each model's identity and its input fields."""
    return {
        "source": "../shared/kie/models.json (notes and pricing left out)",
        "models": [
            {key: m[key] for key in MODEL_KEYS}
            | {
                "input": [
                    {k: v for k, v in f.items() if k not in DROPPED_FIELD_KEYS} for f in m["input"]
                ]
            }
            for m in models_json["models"]
        ],
    }


def shared() -> dict[str, Any] | None:
    """The projection of the shared models.json, None when it is not beside the checkout."""
    if not SHARED_MODELS.is_file():
        return None
    return project(json.loads(SHARED_MODELS.read_text(encoding="utf-8")))


def vendored() -> dict[str, Any]:
    """The copy kept in the repository."""
    data: dict[str, Any] = json.loads(VENDORED.read_text(encoding="utf-8"))
    return data


def main() -> None:
    """Write the copy from the shared file."""
    fresh = shared()
    if fresh is None:
        raise SystemExit(f"{SHARED_MODELS.resolve()} is absent")
    text = json.dumps(fresh, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    VENDORED.write_text(text, encoding="utf-8")
    print(f"{VENDORED}: {len(fresh['models'])} models")


if __name__ == "__main__":
    main()
