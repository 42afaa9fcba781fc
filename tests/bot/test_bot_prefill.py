"""Which models can take a result as their input (the reuse button and its list)."""

from __future__ import annotations

import pytest

from kiegram.bot.prefill import can_reuse, reuse_targets
from kiegram.catalog import load_catalog

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("kind", "url", "some"),
    [
        ("image", "https://tempfile.example/r/fox.png", True),
        ("image", "https://tempfile.example/r/fox.jpg", True),
        ("video", "https://tempfile.example/r/clip.mp4", True),
        ("audio", "https://tempfile.example/r/song.mp3", True),
        ("image", "ftp://tempfile.example/r/fox.png", False),  # not a URL KIE can fetch
    ],
)
def test_the_button_shows_exactly_when_the_list_has_a_model(
    kind: str, url: str, some: bool
) -> None:
    targets = reuse_targets(CATALOG, kind, url)
    assert can_reuse(CATALOG, kind, url) is some
    assert bool(targets) is some
    for spec, field in targets:
        assert spec.usable and field.media is not None and field.media.value == kind
    # Asked again (every delivery asks): the same answer from the kept first-media steps.
    assert reuse_targets(CATALOG, kind, url) == targets
