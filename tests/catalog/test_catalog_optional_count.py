"""A count priced per item but optional on its page (Qwen image edit's num_images): left out of
the request unless chosen, and priced as KIE's default of one image when left out."""

from __future__ import annotations

from decimal import Decimal

from kiegram.catalog import load_catalog
from kiegram.catalog.cost import credits_for


def test_qwen_image_edit_prices_an_absent_num_images_as_one_image() -> None:
    spec = load_catalog().get("qwen/image-edit")
    assert spec is not None
    field = spec.input("num_images")
    assert not field.required and field.default == "1"
    base = {"prompt": "make it watercolor", "image_url": "https://x.test/a.png"}
    one = credits_for(spec, base)
    assert one is not None and one > 0
    assert credits_for(spec, {**base, "num_images": "1"}) == one
    assert credits_for(spec, {**base, "num_images": "3"}) == one * Decimal(3)
