"""Makes equal sub-specs (labels, options, inputs) one shared object before caching.

Frozen specs repeat a lot (the same "16:9" option, the same prompt input in many models);
pickle writes a shared object once, so the cache unpickles a third of the objects.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def share_equal(specs: tuple[M, ...]) -> tuple[M, ...]:
    """The same specs, with equal nested models replaced by one shared instance."""
    memo: dict[Hashable, BaseModel] = {}
    return tuple(_with_shared_children(spec, memo) for spec in specs)


def _canonical(obj: BaseModel, memo: dict[Hashable, BaseModel]) -> BaseModel:
    obj = _with_shared_children(obj, memo)
    return memo.setdefault(_key(obj), obj)


def _with_shared_children(obj: M, memo: dict[Hashable, BaseModel]) -> M:
    changes: dict[str, Any] = {}
    for name, value in obj.__dict__.items():
        if type(value) in _PLAIN:
            continue
        if isinstance(value, BaseModel):
            changes[name] = _canonical(value, memo)
        elif isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
            changes[name] = tuple(
                _canonical(v, memo) if isinstance(v, BaseModel) else v for v in value
            )
    if not changes:
        return obj
    # A shallow copy keeps the fields-set bookkeeping exactly as validation left it.
    copy = obj.model_copy()
    copy.__dict__.update(changes)
    return copy


def _key(obj: BaseModel) -> Hashable:
    fields = tuple((name, _freeze(value)) for name, value in obj.__dict__.items())
    return (type(obj), frozenset(obj.model_fields_set), fields)


def _freeze(value: Any) -> Hashable:
    # Type tags keep 1, 1.0 and True apart: they are equal in Python but not in JSON.
    kind = type(value)
    if kind in _PLAIN or isinstance(value, StrEnum):
        return (kind, value)
    if isinstance(value, BaseModel):
        return id(value)  # children are canonical already
    if isinstance(value, tuple | list):
        return (type(value), tuple(_freeze(v) for v in value))
    if isinstance(value, Mapping):
        return (dict, tuple((k, _freeze(v)) for k, v in value.items()))
    return (type(value), value)
