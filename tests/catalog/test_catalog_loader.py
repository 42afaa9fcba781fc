"""The loader accepts the real catalog and rejects each kind of broken data file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiegram.catalog import ModelStatus, load_catalog
from kiegram.errors import CatalogError

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# fixture file -> (model named in the error, a phrase that says what is wrong)
REJECTIONS = {
    "duplicate_id": ("alpha/text-to-image", "already used in alpha.toml"),
    "duplicate_code": ("broken/duplicate-code", "'alpha_t2i' is already used"),
    "duplicate_input": ("broken/duplicate-input", "listed twice"),
    "default_outside_enum": ("broken/default-outside-enum", "not one of its options"),
    "default_outside_range": ("broken/default-outside-range", "outside 1.0..20.0"),
    "unknown_kind": ("broken/unknown-kind", "kind"),
    "unknown_media": ("broken/unknown-media", "media"),
    "unknown_category": ("broken/unknown-category", "category"),
    "unknown_field": ("broken/unknown-field", "colour"),
    "order_unknown": ("broken/order-unknown", "order names an unknown input 'image_input'"),
    "cost_by_unknown": ("broken/cost-by-unknown", "cost.by names an unknown input"),
    "cost_per_unknown": ("broken/cost-per-unknown", "cost names an unknown input 'num_images'"),
    "when_unknown": ("broken/when-unknown", "negative_prompt.when names an unknown input"),
}


def _catalog_with(tmp_path: Path, broken: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "good", data)
    shutil.copy(FIXTURES / "broken" / f"{broken}.toml", data)
    return data


def test_the_good_fixture_loads() -> None:
    catalog = load_catalog(FIXTURES / "good")
    assert [s.id for s in catalog] == ["alpha/text-to-image", "beta/image-to-video"]
    beta = catalog.get("beta_i2v")
    assert beta is not None and beta.source == "beta.toml" and beta.family == "beta"
    assert beta.input("duration").option_values() == ("5", "10")


@pytest.mark.parametrize("broken", sorted(REJECTIONS))
def test_each_broken_file_is_rejected_naming_file_and_model(tmp_path: Path, broken: str) -> None:
    model, phrase = REJECTIONS[broken]
    with pytest.raises(CatalogError) as caught:
        load_catalog(_catalog_with(tmp_path, broken))
    message = str(caught.value)
    assert message.startswith(f"{broken}.toml: model {model!r}")
    assert phrase in message


def test_every_broken_fixture_has_a_case() -> None:
    files = {p.stem for p in (FIXTURES / "broken").glob("*.toml")}
    assert files == {*REJECTIONS, "not_toml"}


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"^not_toml\.toml: not valid TOML"):
        load_catalog(_catalog_with(tmp_path, "not_toml"))


def test_the_real_catalog_loads() -> None:
    catalog = load_catalog()
    assert len(catalog) > 0
    for spec in catalog:
        assert spec.source.endswith(".toml")
        assert spec.order is not None
        assert set(spec.order) <= {i.name for i in spec.inputs}
        if spec.status is ModelStatus.HELD:
            assert spec.held_reason.strip(), f"{spec.id} is held without a reason"
        else:
            assert spec.usable
