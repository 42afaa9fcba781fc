"""Turning the media refs kept in a job's payload into URLs KIE can fetch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kiegram.jobs.ports import MediaResolver


def is_url(value: str) -> bool:
    """True for http(s) URLs, which need no resolving."""
    return value.startswith(("http://", "https://"))


async def _one(value: Any, resolver: MediaResolver) -> Any:
    if isinstance(value, str) and not is_url(value):
        return await resolver.resolve(value)
    return value


async def resolve_payload(
    payload: Mapping[str, Any], media_fields: Iterable[str], resolver: MediaResolver
) -> dict[str, Any]:
    """A copy of ``payload`` whose media fields (single refs or lists) are URLs; a field
    named "list.field" is a file field of an object list's items."""
    resolved = dict(payload)
    for name in media_fields:
        outer, _dot, inner = name.partition(".")
        if inner:
            items = resolved.get(outer)
            if isinstance(items, list):
                resolved[outer] = [await _item(item, inner, resolver) for item in items]
            continue
        value = resolved.get(name)
        if isinstance(value, list | tuple):
            resolved[name] = [await _one(item, resolver) for item in value]
        elif value is not None:
            resolved[name] = await _one(value, resolver)
    return resolved


async def _item(item: Any, field: str, resolver: MediaResolver) -> Any:
    if not isinstance(item, Mapping) or field not in item:
        return item
    value = item[field]
    if isinstance(value, list | tuple):
        return {**item, field: [await _one(one, resolver) for one in value]}
    return {**item, field: await _one(value, resolver)}


def result_filename(job_id: str, index: int, url: str, kind: str) -> str:
    """A stable file name for result ``index`` of a job, keeping the URL's extension."""
    default = {"image": ".png", "video": ".mp4", "audio": ".mp3", "text": ".txt"}.get(kind, "")
    tail = url.split("?", 1)[0].rsplit("/", 1)[-1]
    ext = "." + tail.rsplit(".", 1)[-1].lower() if "." in tail else default
    if not 2 <= len(ext) <= 6 or not ext[1:].isalnum():
        ext = default
    return f"{job_id[:12]}-{index + 1}{ext}"
