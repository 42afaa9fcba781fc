"""Follow-ups as data: task references, their parents, the values taken from a parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiegram.catalog import load_catalog
from kiegram.catalog.followups import (
    ParentResult,
    applies,
    filled,
    followups_of,
    is_followup,
    parents_of,
    per_item,
    usable_item,
)
from kiegram.errors import CatalogError
from kiegram.i18n import load_translator
from kiegram.wizard import build_payload

CATALOG = load_catalog()

BASE = """
[[models]]
id = "{id}"
code = "{id}"
category = "upscale"
output = "image"
docs_url = "https://docs.kie.ai/x"
order = []
name = {{ ru = "X", en = "X" }}
description = {{ ru = "X", en = "X" }}
"""


def _write(tmp_path: Path, text: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.toml").write_text(BASE.format(id="parent") + text, encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ('name = "task_id"\nkind = "task_ref"', "needs a parent"),
        ('name = "task_id"\nkind = "text"\nparent = { models = ["parent"] }', "needs a parent"),
        ('name = "task_id"\nkind = "task_ref"\nparent = { models = ["ghost"] }', "unknown"),
        (
            'name = "m"\nkind = "task_ref"\nparent = { models = ["parent"], take = "input" }',
            "parent.input",
        ),
    ],
)
def test_a_broken_task_reference_is_refused(tmp_path: Path, inputs: str, error: str) -> None:
    text = BASE.format(id="child") + "\n[[models.inputs]]\n" + inputs + "\n"
    with pytest.raises(CatalogError, match=error):
        load_catalog(_write(tmp_path, text))


def test_the_catalog_knows_each_models_followups() -> None:
    mj = ["mj-upscale", "mj-vary", "mj-video-extend"]
    assert [s.id for s in followups_of(CATALOG, "midjourney")] == mj
    assert "suno-timestamped-lyrics" in [s.id for s in followups_of(CATALOG, "suno")]
    assert "suno-extend" in [s.id for s in followups_of(CATALOG, "suno")]
    extend = CATALOG.get("grok-imagine/extend")
    assert extend is not None and is_followup(extend)
    assert parents_of(extend) >= {"grok-imagine/text-to-video", "grok-imagine/image-to-video"}
    nano = CATALOG.get("google/nano-banana")
    assert nano is not None and not is_followup(nano)


def test_every_usable_followup_has_a_price_and_a_button_in_both_languages() -> None:
    translator = load_translator()
    for spec in CATALOG.usable():
        if is_followup(spec):
            assert spec.cost is not None and spec.cost.table, spec.id
            key = spec.button_key
            assert spec.button and key in translator.messages["ru"], spec.id
            assert key in translator.messages["en"], spec.id


def test_a_grid_item_fills_task_and_index_and_is_sent() -> None:
    spec = CATALOG.get("mj-vary")
    assert spec is not None and per_item(spec)
    parent = ParentResult("grid-1", [f"https://x/{i}.png" for i in range(4)], [], {})
    values = filled(spec, parent, 2)
    assert values == {"taskId": "grid-1", "imageIndex": 3}  # vary counts from 1
    assert build_payload(spec, values) == {"taskId": "grid-1", "imageIndex": 3}
    assert usable_item(spec, parent, 3) and not usable_item(spec, parent, 4)


def test_a_suno_extend_takes_the_track_id_and_the_songs_version() -> None:
    spec = CATALOG.get("suno-extend")
    assert spec is not None
    parent = ParentResult(
        "s-1", ["https://x/1.mp3", "https://x/2.mp3"], ["a1", "a2"], {"model": "V5"}
    )
    assert filled(spec, parent, 1) == {"audioId": "a2", "model": "V5"}
    no_ids = ParentResult("s-1", ["https://x/1.mp3"], [], {"model": "V5"})
    assert not usable_item(spec, no_ids, 0)  # a song stored before track ids were kept


def test_1080p_is_offered_for_a_720p_video_only() -> None:
    spec = CATALOG.get("veo3.1-1080p")
    assert spec is not None
    hd = ParentResult("v", ["https://x/v.mp4"], [], {"resolution": "1080p"})
    sd = ParentResult("v", ["https://x/v.mp4"], [], {"resolution": "720p"})
    assert applies(spec, sd) and not applies(spec, hd)
