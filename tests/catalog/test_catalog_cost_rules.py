"""Per-option price rules KIE's price feed uses: a row keyed by whether a file is given,
credits added per input file or per second of one, and a quantity divided by another input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiegram.catalog import ModelSpec, load_catalog
from kiegram.catalog.audit import ProblemCode, audit_catalog
from kiegram.catalog.cost import combinations, credit_range, credits_for, prices_for
from kiegram.errors import CatalogError

MODEL = """
[[models]]
id = "x/video"
code = "x_video"
category = "image-to-video"
output = "video"
docs_url = "https://docs.kie.ai/x"
name = {{ ru = "X", en = "X" }}
description = {{ ru = "X", en = "X" }}
order = ["image_urls", "prompt"]
inputs = [
    {{ name = "prompt", kind = "text", required = true }},
    {{ name = "image_urls", kind = "media_list", media = "image", required = true, max_items = 4 }},
    {{ name = "video_urls", kind = "media_list", media = "video", max_items = 1 }},
    {{ name = "resolution", kind = "choice", default = "720p", options = ["720p", "1080p"] }},
    {{ name = "duration", kind = "integer", default = 5, min = 3, max = 15 }},
    {{ name = "fps", kind = "integer", default = 16, min = 4, max = 60 }},
]
[models.cost]
{cost}
"""


def _load(tmp_path: Path, cost: str) -> ModelSpec:
    (tmp_path / "x.toml").write_text(MODEL.format(cost=cost), encoding="utf-8")
    spec = load_catalog(tmp_path).get("x/video")
    assert spec is not None
    return spec


def _files(count: int, seconds: float = 1) -> list[dict[str, Any]]:
    return [{"ref": f"f{i}", "media": "", "duration": seconds} for i in range(count)]


PRESENT = """
by = ["resolution", "video_urls"]
present = ["video_urls"]
per = "duration"
table = { "720p|present" = 20, "1080p|present" = 27, "720p|absent" = 14, "1080p|absent" = 18 }
"""


def test_a_row_keyed_by_whether_a_file_is_given(tmp_path: Path) -> None:
    spec = _load(tmp_path, PRESENT)
    assert credits_for(spec, {}) == Decimal("70.00")  # 720p, no video, 5 s
    assert credits_for(spec, {"video_urls": []}) == Decimal("70.00")
    assert credits_for(spec, {"video_urls": _files(1)}) == Decimal("100.00")
    assert credits_for(spec, {"video_urls": _files(1), "resolution": "1080p"}) == Decimal("135.00")
    # Ranges and the audit try both: with and without the file.
    assert credit_range(spec) == (Decimal("70.00"), Decimal("135.00"))
    assert len(list(combinations(spec))) == 4


def test_the_price_buttons_show_the_video_rate_once_a_video_is_given(tmp_path: Path) -> None:
    spec = _load(tmp_path, PRESENT)
    field = spec.input("resolution")
    without = prices_for(spec, {}, field, field.option_values())
    given = prices_for(spec, {"video_urls": _files(1)}, field, field.option_values())
    assert without == {0: Decimal("70.00"), 1: Decimal("90.00")}
    assert given == {0: Decimal("100.00"), 1: Decimal("135.00")}


EXTRAS = """
by = ["resolution"]
table = { "720p" = 7, "1080p" = 14 }
extras = [
    { credits = 0.5, per_item = "image_urls", free_items = 1 },
    { credits = 8, per_media_seconds = "video_urls", when = { resolution = ["720p"] } },
    { credits = 13, per_media_seconds = "video_urls", when = { resolution = ["1080p"] } },
]
"""


@pytest.mark.parametrize(
    ("values", "credits"),
    [
        ({}, "7.00"),
        ({"image_urls": _files(1)}, "7.00"),  # the first image is free
        ({"image_urls": _files(4)}, "8.50"),
        ({"image_urls": _files(2), "resolution": "1080p"}, "14.50"),
        ({"image_urls": _files(1), "video_urls": _files(1, 2.2)}, "31.00"),  # 3 s billed at 8
        ({"video_urls": _files(1, 2), "resolution": "1080p"}, "40.00"),
    ],
)
def test_extras_add_credits_per_file_or_second(
    tmp_path: Path, values: dict[str, Any], credits: str
) -> None:
    assert credits_for(_load(tmp_path, EXTRAS), values) == Decimal(credits)


def test_an_extra_per_second_of_a_file_of_unknown_length_makes_the_cost_unknown(
    tmp_path: Path,
) -> None:
    spec = _load(tmp_path, EXTRAS)
    assert credits_for(spec, {"video_urls": [{"ref": "v", "media": ""}]}) is None
    assert credit_range(spec) == (Decimal("7.00"), Decimal("14.00"))  # no files: the base


def test_a_quantity_divided_by_another_input(tmp_path: Path) -> None:
    spec = _load(tmp_path, 'per = "duration"\nper_divisor = "fps"\ntable = { "*" = 12 }')
    assert credits_for(spec, {"duration": 80}) == Decimal("60.00")  # 80 / 16 = 5 s
    assert credits_for(spec, {"duration": 80, "fps": 4}) == Decimal("240.00")
    assert credits_for(spec, {"duration": 80, "fps": 0}) is None


@pytest.mark.parametrize(
    ("cost", "phrase"),
    [
        ('by = ["resolution"]\npresent = ["video_urls"]\ntable = { "*" = 1 }', "cost.present"),
        ('by = ["prompt"]\npresent = ["prompt"]\ntable = { "*" = 1 }', "cost.present"),
        ('table = { "*" = 1 }\nextras = [{ credits = 1 }]', "one of per_item/per_media_seconds"),
        ('table = { "*" = 1 }\nextras = [{ credits = 1, per_item = "nope" }]', "'nope'"),
        (
            'table = { "*" = 1 }\nextras = [{ credits = 1, per_media_seconds = "prompt" }]',
            "no media input",
        ),
        ('per = "duration"\nper_divisor = "nope"\ntable = { "*" = 1 }', "'nope'"),
    ],
)
def test_the_loader_rejects_rules_that_name_the_wrong_inputs(
    tmp_path: Path, cost: str, phrase: str
) -> None:
    (tmp_path / "x.toml").write_text(MODEL.format(cost=cost), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert phrase in str(caught.value)


def test_the_real_catalog_uses_the_rules_as_the_feed_says() -> None:
    catalog = load_catalog()
    omni = catalog.get("kling-3.0-omni/reference-to-video")
    seedream = catalog.get("seedream/5-pro-image-to-image")
    qwen = catalog.get("qwen3/image-to-image")
    speech = catalog.get("wan/2-2-a14b-speech-to-video-turbo")
    assert omni is not None and seedream is not None and qwen is not None and speech is not None
    assert credits_for(omni, {"video_urls": _files(1)}) == Decimal("100.00")  # 720p 20/s x 5 s
    assert credits_for(omni, {"audio": True}) == Decimal("90.00")  # 720p 18/s with audio
    assert credits_for(seedream, {"image_urls": _files(3)}) == Decimal("8.00")  # 7 + 2 x 0.5
    assert credits_for(qwen, {"image_urls": _files(3)}) == Decimal("6.30")  # 4.8 + 3 x 0.5
    assert credits_for(speech, {}) == Decimal("60.00")  # 80 frames / 16 fps = 5 s x 12
    assert credits_for(speech, {"frames_per_second": 8}) == Decimal("120.00")
    report = {e.id: e for e in audit_catalog(catalog).models}
    codes = [p.code for p in report["kling-3.0-omni/reference-to-video"].problems]
    assert ProblemCode.COST_PARTIAL not in codes and ProblemCode.COST_UNKNOWN not in codes
