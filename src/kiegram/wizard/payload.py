"""The exact `input` object KIE documents, and the request body around it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiegram.catalog import ApiFamily, InputKind, InputSpec, ModelSpec
from kiegram.catalog.spec import dump_value
from kiegram.wizard.errors import MissingInputError, WizardError
from kiegram.wizard.items import applies
from kiegram.wizard.parse import normalise_number
from kiegram.wizard.state import asked, is_active, is_set

Resolve = Callable[[str], str]


def _same(ref: str) -> str:
    return ref


def sent(spec: ModelSpec, values: Mapping[str, Any]) -> list[tuple[InputSpec, Any]]:
    """Inputs that will be sent with their stored values: required ones, and optional ones set."""
    out: list[tuple[InputSpec, Any]] = []
    # A follow-up's task references are never asked, but always sent.
    refs = [f for f in spec.task_refs if is_active(spec, f, values)]
    for field in [*refs, *asked(spec, values)]:
        if field.is_mode:
            continue
        if field.name in values and values[field.name] is not None:
            out.append((field, values[field.name]))
        elif field.required:
            if not is_set(field, values):
                raise MissingInputError(field.name)
            out.append((field, field.default))
    return out


def _ref(item: Any) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("ref"), str):
        return str(item["ref"])
    if isinstance(item, str):
        return item
    raise WizardError(f"not a media reference: {item!r}")


def convert(field: InputSpec, value: Any, resolve: Resolve = _same) -> Any:
    """One stored value in KIE's JSON shape for this input."""
    kind = field.kind
    if kind is InputKind.MEDIA:
        first = value[0] if isinstance(value, list) else value
        return resolve(_ref(first))
    if kind is InputKind.MEDIA_LIST:
        items = value if isinstance(value, list) else [value]
        return [resolve(_ref(item)) for item in items]
    if kind is InputKind.OBJECT_LIST:
        return [convert_item(field, item, resolve) for item in value]
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        number = normalise_number(field, float(value))
        return dump_value(number) if field.as_string else number
    if kind is InputKind.BOOLEAN:
        return bool(value)
    if kind is InputKind.CHOICE and value not in field.option_values():
        raise WizardError(f"{field.name}: {value!r} is not one of its options")
    if isinstance(value, str) and field.lowercase:
        return value.lower()
    return value


def convert_item(field: InputSpec, item: Mapping[str, Any], resolve: Resolve = _same) -> Any:
    """One object of an object_list: its set fields (and required defaults), KIE's names."""
    out: dict[str, Any] = {}
    for sub in field.item_fields:
        if not applies(sub, item):
            continue
        value = item.get(sub.name)
        if value is None and sub.required:
            value = sub.default
        if value is None:
            if sub.required:
                raise MissingInputError(f"{field.name}.{sub.name}")
            continue
        out[sub.name] = convert(sub, value, resolve)
    return out


def build_payload(
    spec: ModelSpec, values: Mapping[str, Any], resolve: Resolve = _same
) -> dict[str, Any]:
    """KIE's `input` object: KIE's names, the right JSON types, nothing undocumented."""
    return {field.name: convert(field, value, resolve) for field, value in sent(spec, values)}


def request_body(
    spec: ModelSpec, payload: Mapping[str, Any], callback_url: str | None = None
) -> dict[str, Any]:
    """The create-task body: {"model", "input"} for the Market API, flat for dedicated ones
    and for a request that is its own status read (a repeat endpoint: the Omni voice)."""
    body: dict[str, Any]
    repeat = spec.endpoint is not None and spec.endpoint.repeat
    if spec.api is ApiFamily.MARKET and not repeat:
        body = {"model": spec.id, "input": dict(payload)}
    else:
        body = dict(payload)
    if callback_url is not None:
        body["callBackUrl"] = callback_url
    return body
