"""One-off importer: ../shared/kie/models.json -> catalog data files (a starting point).

The data files under src/kiegram/catalog/data are the source of truth once written; this
script only drafts entries for models that are not there yet. Needs `tomli-w` (dev only).

    python scripts/import_models.py ../shared/kie/models.json src/kiegram/catalog/data
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import tomli_w

KINDS = {
    "string": "text",
    "enum": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "number": "number",
    "url": "media",
    "url[]": "media_list",
    "string[]": "text_list",
    "integer[]": "struct",
    "object[]": "struct",
    "array": "struct",
}
FAMILIES = [
    ("nano-banana", "google"),
    ("google/", "google"),
    ("veo", "google"),
    ("gemini", "google"),
    ("seedream", "seedream"),
    ("bytedance/seedream", "seedream"),
    ("bytedance/", "bytedance"),
    ("flux", "flux"),
    ("ideogram", "ideogram"),
    ("qwen", "qwen"),
    ("recraft", "recraft"),
    ("topaz", "topaz"),
    ("grok", "grok"),
    ("gpt", "openai"),
    ("4o", "openai"),
    ("sora", "openai"),
    ("wan", "wan"),
    ("kling", "kling"),
    ("hailuo", "hailuo"),
    ("minimax", "hailuo"),
    ("elevenlabs", "elevenlabs"),
    ("happyhorse", "happyhorse"),
    ("pixverse", "pixverse"),
    ("omnihuman", "bytedance"),
    ("volcengine", "bytedance"),
    ("infinitalk", "infinitalk"),
    ("z-image", "z-image"),
    ("runway", "runway"),
    ("luma", "luma"),
    ("suno", "suno"),
    ("midjourney", "midjourney"),
]


def family_of(model_id: str) -> str:
    for prefix, family in FAMILIES:
        if model_id.startswith(prefix):
            return family
    return model_id.split("/")[0]


def media_of(name: str) -> str:
    low = name.lower()
    if "video" in low or "clip" in low:
        return "video"
    if "audio" in low or "voice" in low:
        return "audio"
    return "image"


def code_of(model_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "_", model_id.lower())


def convert_input(raw: dict[str, Any]) -> dict[str, Any]:
    kind = KINDS[raw["type"]]
    out: dict[str, Any] = {"name": raw["name"], "kind": kind}
    if raw.get("required"):
        out["required"] = True
    if raw.get("default") is not None and kind in (
        "text",
        "choice",
        "boolean",
        "integer",
        "number",
    ):
        out["default"] = raw["default"]
    for key in ("min", "max", "step", "min_length", "max_length", "min_items", "max_items"):
        if raw.get(key) is not None:
            out[key] = raw[key]
    if kind in ("media", "media_list"):
        out["media"] = media_of(raw["name"])
        if raw.get("file_types"):
            out["file_types"] = list(raw["file_types"])
        if raw.get("max_file_mb"):
            out["max_file_mb"] = raw["max_file_mb"]
    if kind == "choice":
        labels = raw.get("value_labels") or {}
        opts = []
        for value in raw.get("values", []):
            opt: dict[str, Any] = {"value": value}
            if str(value) in labels:
                opt["label"] = {"ru": labels[str(value)], "en": labels[str(value)]}
            opts.append(opt)
        out["options"] = opts
    return out


def default_order(inputs: list[dict[str, Any]]) -> list[str]:
    texts = [i["name"] for i in inputs if i["kind"] == "text" and i.get("required")]
    media = [i["name"] for i in inputs if i["kind"].startswith("media") and i.get("required")]
    rest = [
        i["name"]
        for i in inputs
        if i.get("required")
        and "default" not in i
        and i["name"] not in texts + media
        and i["kind"] not in ("struct", "text_list")
    ]
    return texts + media + rest


def convert(model: dict[str, Any]) -> dict[str, Any]:
    inputs = [convert_input(i) for i in model["input"]]
    title = model["model"]
    out: dict[str, Any] = {
        "id": model["model"],
        "code": code_of(model["model"]),
        "category": model["category"],
        "output": model["output"],
        "api": model["api"],
        "name": {"ru": title, "en": title},
        "description": {"ru": "", "en": ""},
        "docs_url": model["docs_url"],
        "confidence": model["confidence"],
        "order": default_order(inputs),
    }
    unaskable = [
        i["name"] for i in inputs if i.get("required") and i["kind"] in ("struct", "text_list")
    ]
    if model["confidence"] == "code-only":
        out["status"] = "held"
        out["held_reason"] = "schema known only from third-party code; no KIE docs page confirms it"
    elif unaskable:
        out["status"] = "held"
        out["held_reason"] = f"required input the wizard cannot ask: {', '.join(unaskable)}"
    out["inputs"] = inputs
    return out


def main(source: str, target: str) -> None:
    models = json.loads(Path(source).read_text())["models"]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for model in models:
        grouped[family_of(model["model"])].append(convert(model))
    for family, specs in grouped.items():
        path = Path(target) / f"{family}.toml"
        path.write_text(tomli_w.dumps({"family": family, "models": specs}))
        print(f"{path}: {len(specs)} models")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
