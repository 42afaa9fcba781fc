"""Lenient readers for KIE's loosely typed JSON fields; none of them raise."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any


def text(value: object) -> str | None:
    """A non-empty string (numbers become strings), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def integer(value: object) -> int | None:
    """An int from an int, an integral float or a numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def number(value: object) -> float | None:
    """A finite float from a number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def mapping(value: object) -> Mapping[str, Any]:
    """A mapping from a mapping or a JSON object string, else an empty mapping."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.strip():
        try:
            loaded = json.loads(value)
        except ValueError:
            return {}
        if isinstance(loaded, Mapping):
            return loaded
    return {}


def items(value: object) -> list[Any]:
    """A list from a list/tuple, else an empty list."""
    return list(value) if isinstance(value, list | tuple) else []


def urls(*values: object) -> tuple[str, ...]:
    """Http(s) URLs from strings or lists of strings, in order, without duplicates."""
    found: list[str] = []
    for value in values:
        candidates: Iterable[object] = value if isinstance(value, list | tuple) else (value,)
        for candidate in candidates:
            url = text(candidate)
            if url and url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return tuple(found)


def first_text(data: Mapping[str, Any], *keys: str) -> str | None:
    """The first non-empty string among ``data[key]`` for ``keys``."""
    for key in keys:
        value = text(data.get(key))
        if value is not None:
            return value
    return None
