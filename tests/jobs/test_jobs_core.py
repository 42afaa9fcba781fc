"""The jobs core stays pure, and its polling plan follows KIE's guidance."""

from __future__ import annotations

import ast
from pathlib import Path

import kiegram.jobs
from kiegram.jobs.media import result_filename
from kiegram.jobs.timing import deadline_for, poll_delay

FORBIDDEN = ("aiogram", "httpx", "sqlalchemy", "aiohttp", "kiegram.storage", "kiegram.kie.client")


def test_jobs_imports_no_framework() -> None:
    package = Path(kiegram.jobs.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_images_poll_fast_and_videos_slow() -> None:
    images = [poll_delay("image", n) for n in range(10)]
    videos = [poll_delay("video", n) for n in range(10)]
    assert images[0] == 3 and max(images) == 15 and images == sorted(images)
    assert videos[0] == 10 and max(videos) == 30 and videos == sorted(videos)
    assert deadline_for("image").total_seconds() == 600
    assert deadline_for("audio").total_seconds() == 1800


def test_result_filenames_keep_a_sane_extension() -> None:
    assert (
        result_filename("a" * 32, 0, "https://x/y/out.JPG?sig=1", "image") == "aaaaaaaaaaaa-1.jpg"
    )
    assert result_filename("b" * 32, 1, "https://x/y/download", "video") == "bbbbbbbbbbbb-2.mp4"
