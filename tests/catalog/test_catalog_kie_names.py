"""The catalog covers every model KIE documents, with KIE's own field names and types."""

from __future__ import annotations

from typing import Any

import pytest
from kie_schemas import shared, vendored

from kiegram.catalog import Catalog, InputKind, load_catalog

# KIE's documented type -> the input kinds that send that JSON type.
COMPATIBLE: dict[str, set[InputKind]] = {
    # A task reference sends its parent's task id, item id or index (a follow-up's).
    "string": {InputKind.TEXT, InputKind.CHOICE, InputKind.TASK_REF},
    "enum": {InputKind.CHOICE, InputKind.BOOLEAN},
    "boolean": {InputKind.BOOLEAN, InputKind.CHOICE},
    "integer": {InputKind.INTEGER, InputKind.CHOICE, InputKind.TASK_REF},
    "number": {InputKind.NUMBER, InputKind.INTEGER, InputKind.CHOICE},
    "url": {InputKind.MEDIA},
    "url[]": {InputKind.MEDIA_LIST},
    "string[]": {InputKind.TEXT_LIST, InputKind.STRUCT, InputKind.TASK_REF},  # Omni voice ids
    "integer[]": {InputKind.TEXT_LIST, InputKind.STRUCT, InputKind.TASK_REF},  # segment indexes
    "object[]": {InputKind.STRUCT, InputKind.OBJECT_LIST},
    "array": {InputKind.STRUCT},
}


# The JSON type a choice's values must have to stand for KIE's type.
VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
}


# Values a KIE docs page offers that models.json's enum lacks (the docs page is the authority).
DOCS_PAGE_VALUES: dict[str, list[object]] = {
    # docs.kie.ai/market/elevenlabs/text-to-dialogue-v3: "auto - Auto", its example sends it.
    "language_code": ["auto"],
}


def _choice_fits(kie: dict[str, Any], values: tuple[object, ...]) -> bool:
    """True when every value of a choice is sent with the JSON type KIE documents."""
    if kie["type"] == "enum":
        documented = [*kie.get("values", []), *DOCS_PAGE_VALUES.get(kie["name"], [])]
        return all(any(_same(v, d) for d in documented) for v in values)
    if kie["type"] == "boolean":
        return all(type(v) is bool for v in values)
    wanted = VALUE_TYPES.get(kie["type"], ())
    return all(isinstance(v, wanted) and not isinstance(v, bool) for v in values)


def _same(value: object, documented: object) -> bool:
    # 1 == True and 5 == 5.0 in Python, but KIE sees different JSON.
    return (
        value == documented
        and isinstance(value, bool) == isinstance(documented, bool)
        and (isinstance(value, str) == isinstance(documented, str))
    )


@pytest.fixture(scope="module")
def kie_models() -> dict[str, dict[str, Any]]:
    """KIE's schemas from the repository's copy (checked against the shared file below)."""
    return {m["model"]: m for m in vendored()["models"]}


def test_the_copy_of_kies_schemas_matches_the_shared_file() -> None:
    fresh = shared()
    if fresh is None:
        pytest.skip("../shared/kie/models.json is not beside this checkout: the copy is used")
    assert vendored() == fresh, (
        "the copy is stale: run .venv/bin/python tests/catalog/kie_schemas.py"
    )


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_every_documented_model_is_in_the_catalog(
    kie_models: dict[str, dict[str, Any]], catalog: Catalog
) -> None:
    missing = sorted(mid for mid in kie_models if catalog.get(mid) is None)
    assert not missing, f"models.json models missing from the catalog: {missing}"
    for mid in kie_models:
        spec = catalog.get(mid)
        assert spec is not None and spec.id == mid
        assert spec.usable or spec.held_reason.strip(), f"{mid} is held without a reason"


# Names the model's own docs page spells otherwise than models.json (the page is the
# authority): model id -> {catalog name: why}.
DOCS_PAGE_NAMES: dict[str, dict[str, str]] = {
    "happyhorse/reference-to-video": {
        "reference_image": "the English page's schema, required list and example; models.json "
        "follows the June-2026 zh export (image_urls)",
    },
    "seedream/5-flash-layer-decomposition": {
        name: "the Pro sibling's field, as two public clients built from the docs page send it "
        "(models.json knows image_url only)"
        for name in ("prompt", "size", "output_format")
    },
}


def test_every_input_name_is_kies_own(
    kie_models: dict[str, dict[str, Any]], catalog: Catalog
) -> None:
    wrong = []
    for spec in catalog:
        documented = kie_models.get(spec.id)
        if documented is None:
            continue  # a model models.json does not list has nothing to compare with
        names = {f["name"] for f in documented["input"]} | set(DOCS_PAGE_NAMES.get(spec.id, {}))
        # The mode choice (`MODE_INPUT`) is the wizard's, never sent.
        wrong += [
            f"{spec.id}: {i.name}" for i in spec.inputs if i.name not in names and not i.is_mode
        ]
    assert not wrong, f"inputs KIE does not document for that model (aliases?): {wrong}"


def test_every_input_kind_sends_the_documented_type(
    kie_models: dict[str, dict[str, Any]], catalog: Catalog
) -> None:
    wrong = []
    for spec in catalog:
        documented = {f["name"]: f for f in kie_models.get(spec.id, {}).get("input", [])}
        for field in spec.inputs:
            kie = documented.get(field.name)
            if kie is None:
                continue
            allowed = COMPATIBLE.get(kie["type"], set())
            if field.as_string and kie["type"] == "string":
                allowed = {InputKind.INTEGER, InputKind.NUMBER}  # a number sent as "5"
            if field.kind not in allowed:
                wrong.append(f"{spec.id}: {field.name} is {field.kind}, KIE says {kie['type']}")
            elif field.kind is InputKind.CHOICE and not _choice_fits(kie, field.option_values()):
                wrong.append(f"{spec.id}: {field.name} values {field.option_values()} vs {kie}")
    assert not wrong, "\n".join(wrong)


def test_the_api_family_matches(kie_models: dict[str, dict[str, Any]], catalog: Catalog) -> None:
    wrong = [
        f"{s.id}: {s.api} != {kie_models[s.id]['api']}"
        for s in catalog
        if s.id in kie_models and s.api.value != kie_models[s.id]["api"]
    ]
    assert not wrong, wrong
