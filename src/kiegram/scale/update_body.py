"""Reading a webhook body as an update, refusing what no Telegram update can be.

Telegram re-sends an update for as long as it is not answered with 2xx, so a body that makes
the handler raise (and the webhook answer 500) would be re-sent forever and hold up the
updates behind it. What cannot be read is refused here, before aiogram sees it, with a
reason the webhook logs once and counts: a body that is not a JSON object with an integer
``update_id`` (answered 400: nothing to retry), and nesting deeper than any update has.

What is read loses the keyboard of a pressed message (`lean_pressed`): we sent it, no handler
reads it, and aiogram would build it as ~20 pydantic objects per press (a 20-button keyboard
more than doubled the update's validation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

MAX_DEPTH = 48  # a real update nests ~15 deep (a reply's quoted message's entities)


@dataclass(frozen=True, slots=True)
class Body:
    """A webhook body: the update's dict, or why it was refused (and its id, if known)."""

    update: dict[str, Any] | None
    refused: str = ""
    update_id: int | None = None


def read_update(raw: bytes) -> Body:
    """The update in `raw`, or a refusal naming why (not_json, too_deep, not_update)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _lenient(raw)  # orjson refuses lone surrogates, which `bot.text_guard` answers
        if value is None:
            return Body(None, "not_json")
    if not isinstance(value, dict):
        return Body(None, "not_update")
    update_id = value.get("update_id")
    if type(update_id) is not int:
        return Body(None, "not_update")
    lean_pressed(value)  # before the walk: the keyboard is most of a press's containers
    # Nesting cannot pass the count of opening brackets: a body with few needs no walk.
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and too_deep(value, MAX_DEPTH):
        return Body(None, "too_deep", update_id)
    return Body(value, "", update_id)


def lean_pressed(update: dict[str, Any]) -> None:
    """Drop the keyboard of the message whose button an update presses (module doc)."""
    query = update.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(message, dict):
        message.pop("reply_markup", None)


def _lenient(raw: bytes) -> Any:
    """The standard library's reading (it keeps a lone surrogate escape), or None."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def too_deep(value: Any, limit: int) -> bool:
    """True when containers nest more than `limit` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return False
