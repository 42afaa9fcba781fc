"""A Grok Image 2.0 segment map's answer: the regions KIE found, each a mask with an index.

KIE answers ``resultJson = {"resultObject": {"segments_count": n, "segments": [{"index": 1,
"name": "white cat", "maskUrl": "https://..."}, ...]}}``: one mask image per region. The masks
are the result's files (in KIE's order), the indexes its item ids (what segment edit's
``mask_indexs`` takes) and the names label the regions' buttons.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    """One region of a segment map."""

    index: int
    name: str
    mask_url: str


def segments(result_object: object) -> tuple[Segment, ...]:
    """The well-formed regions of a ``resultObject`` (none when it is not a segment map)."""
    if not isinstance(result_object, Mapping):
        return ()
    found: list[Segment] = []
    for item in result_object.get("segments") or ():
        if not isinstance(item, Mapping):
            continue
        index, url, name = item.get("index"), item.get("maskUrl"), item.get("name")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            continue
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        found.append(Segment(index, name.strip() if isinstance(name, str) else "", url))
    return tuple(found)


def segment_names(result_text: str | None) -> tuple[str, ...]:
    """The regions' names from a job's stored result text (the ``resultObject`` as JSON)."""
    if not result_text:
        return ()
    try:
        data: Any = json.loads(result_text)
    except ValueError:
        return ()
    return tuple(s.name for s in segments(data))
