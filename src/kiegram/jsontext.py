"""JSON text on the hot paths (Bot API bodies, conversation rows): orjson, json's rules.

Like `json.dumps`, non-string keys become strings; unlike it, NaN becomes null (nothing
we store holds one). About ten times faster than the standard library both ways.
"""

from __future__ import annotations

from typing import Any

import orjson

loads = orjson.loads


def dumps_bytes(value: Any) -> bytes:
    """`value` as compact JSON, UTF-8 encoded (an HTTP body)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def dumps(value: Any) -> str:
    """`value` as compact JSON text."""
    return dumps_bytes(value).decode()
