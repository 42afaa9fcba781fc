"""Object lists in a conversation: an item's fields asked one after another, then Add / Done.

While an item is being filled in, the state holds "item": {"at": index into the list's
`item_fields`, "draft": the item's answers so far}. An empty list starts its first item at
once; the list itself (values[name], a list of item dicts) grows by whole, checked items.
"""

from __future__ import annotations

from typing import Any

from kiegram.catalog import InputSpec, ModelSpec
from kiegram.wizard.answers import Action, Answer, Press
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.items import (
    Take,
    applies,
    check_item,
    check_total,
    check_unique,
    is_full,
    least,
)
from kiegram.wizard.navigation import back, forward

ITEM = "item"


def items_of(state: dict[str, Any], field: InputSpec) -> list[dict[str, Any]]:
    """The list's finished items."""
    value = state["values"].get(field.name)
    return list(value) if isinstance(value, list) else []


def cursor(state: dict[str, Any], field: InputSpec) -> dict[str, Any] | None:
    """The item being filled in: the stored one, or the first one of an empty list."""
    found = state.get(ITEM)
    if isinstance(found, dict):
        return found
    if not items_of(state, field):
        return {"at": 0, "draft": {}}
    return None


def on_list(
    spec: ModelSpec, state: dict[str, Any], field: InputSpec, answer: Answer, take: Take
) -> None:
    """Apply an answer on a list's screen (a step or an edit screen)."""
    item = cursor(state, field)
    if item is not None:
        _on_item(spec, state, field, item, answer, take)
    else:
        _on_overview(spec, state, field, answer, take)


def _on_item(
    spec: ModelSpec,
    state: dict[str, Any],
    field: InputSpec,
    item: dict[str, Any],
    answer: Answer,
    take: Take,
) -> None:
    sub = field.item_fields[item["at"]]
    draft: dict[str, Any] = item["draft"]
    if isinstance(answer, Press) and answer.action is Action.BACK:
        _item_back(spec, state, field, item)
        return
    if isinstance(answer, Press) and answer.action is Action.SKIP and can_skip_list(state, field):
        _leave(spec, state)
        return
    if isinstance(answer, Press) and answer.action is Action.RESET:
        draft.pop(sub.name, None)
    elif isinstance(answer, Press) and answer.action is Action.SKIP and not sub.required:
        draft.pop(sub.name, None)
        item["at"] += 1
    else:
        draft[sub.name] = take(spec, draft, sub, answer)
        check_unique(field, [*items_of(state, field), draft])
        item["at"] += 1
    _past_idle(field, item, 1)
    state[ITEM] = item
    if item["at"] >= len(field.item_fields):
        _finish_item(state, field, draft)


def can_skip_list(state: dict[str, Any], field: InputSpec) -> bool:
    """True on the first field of the first item of an optional list: Skip leaves it empty
    (not sent at all; its fewest items count once it has any)."""
    return (
        not field.required
        and not items_of(state, field)
        and (cursor(state, field) or {}).get("at") == 0
    )


def _item_back(
    spec: ModelSpec, state: dict[str, Any], field: InputSpec, item: dict[str, Any]
) -> None:
    """Back inside an item: its previous field, else drop the item (leave an empty list)."""
    if item["at"] > 0:
        item["at"] -= 1
        _past_idle(field, item, -1)
        state[ITEM] = item
        return
    state.pop(ITEM, None)
    if not items_of(state, field):
        back(spec, state)


def _past_idle(field: InputSpec, item: dict[str, Any], step: int) -> None:
    """Move the cursor past item fields the item's files make idle (`when_media`), dropping
    their answers."""
    subs, draft = field.item_fields, item["draft"]
    while 0 < item["at"] < len(subs) and not applies(subs[item["at"]], draft):
        draft.pop(subs[item["at"]].name, None)
        item["at"] += step


def _finish_item(state: dict[str, Any], field: InputSpec, draft: dict[str, Any]) -> None:
    for sub in field.item_fields:
        if not applies(sub, draft):
            draft.pop(sub.name, None)
    items = items_of(state, field)
    check_item(field, draft, len(items) + 1)
    check_total(field, [*items, draft])
    state["values"][field.name] = [*items, draft]
    state.pop(ITEM, None)


def _on_overview(
    spec: ModelSpec, state: dict[str, Any], field: InputSpec, answer: Answer, take: Take
) -> None:
    items = items_of(state, field)
    if not isinstance(answer, Press):
        # Typing on the list starts the next item with that answer.
        if is_full(field, items):
            raise InvalidAnswer("wizard.err_use_buttons")
        state[ITEM] = {"at": 0, "draft": {}}
        _on_item(spec, state, field, state[ITEM], answer, take)
    elif answer.action is Action.BACK:
        back(spec, state)
    elif answer.action is Action.ADD and not is_full(field, items):
        state[ITEM] = {"at": 0, "draft": {}}
    elif answer.action is Action.REMOVE and isinstance(answer.arg, int):
        _remove(state, field, items, answer.arg)
    elif answer.action is Action.DONE and len(items) >= least(field):
        _leave(spec, state)
    else:
        raise InvalidAnswer("wizard.err_stale")


def _remove(state: dict[str, Any], field: InputSpec, items: list[Any], index: int) -> None:
    if not 0 <= index < len(items):
        raise InvalidAnswer("wizard.err_stale")
    del items[index]
    if items:
        state["values"][field.name] = items
    else:
        state["values"].pop(field.name, None)


def _leave(spec: ModelSpec, state: dict[str, Any]) -> None:
    """Done: a step goes forward, an edit screen back to where it was opened from."""
    state.pop(ITEM, None)
    if state["screen"] == "edit":
        back(spec, state)
    else:
        forward(spec, state)
