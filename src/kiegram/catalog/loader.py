"""Loads and validates the catalog's data files (one TOML file per model family)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiegram.catalog.cache import CACHE_FILE, cache_key, package_version, read_cached, write_cached
from kiegram.catalog.catalog import Catalog
from kiegram.catalog.followups import check_parents
from kiegram.catalog.kinds import InputKind
from kiegram.catalog.shapes import check_shapes, with_mode_input
from kiegram.catalog.spec import InputSpec, Label, ModelSpec, Option
from kiegram.errors import CatalogError

DATA_DIR = Path(__file__).parent / "data"
LABELS_FILE = "_labels.toml"
EXAMPLE_WORD = "Например"  # a help line with an example says so
EXAMPLES_FILE = "_examples.toml"  # example prompts by model id: [["<id>"]] ru = "..." en = "..."


_PARSED: dict[str, tuple[ModelSpec, ...]] = {}
"""Validated specs by `cache_key`: a process that reads the same data again (a test run, a
command after the bot's start) parses and validates it once. The specs are frozen."""
MAX_PARSED = 16


def load_catalog(data_dir: Path = DATA_DIR, cache_dir: Path | None = None) -> Catalog:
    """Read every family file under `data_dir` into a validated Catalog.

    With `cache_dir`, the validated specs are kept there and reused while neither the data
    files nor the package version change.
    """
    files = {path.name: path.read_bytes() for path in sorted(data_dir.glob("*.toml"))}
    key = cache_key(files, package_version())
    if cache_dir is None:
        return Catalog(_validated(files, key))
    cache_file = cache_dir / CACHE_FILE
    specs = read_cached(cache_file, key)
    if specs is None:
        specs = _validated(files, key)
        write_cached(cache_file, key, specs)
    return Catalog(specs)


def _validated(files: Mapping[str, bytes], key: str) -> tuple[ModelSpec, ...]:
    specs = _PARSED.get(key)
    if specs is None:
        specs = _validate(files)
        if len(_PARSED) >= MAX_PARSED:
            _PARSED.clear()
        _PARSED[key] = specs
    return specs


def _validate(files: Mapping[str, bytes]) -> tuple[ModelSpec, ...]:
    labels = _read(LABELS_FILE, files[LABELS_FILE]) if LABELS_FILE in files else {}
    examples = _read(EXAMPLES_FILE, files[EXAMPLES_FILE]) if EXAMPLES_FILE in files else {}
    specs: list[ModelSpec] = []
    for name, content in files.items():
        if name not in (LABELS_FILE, EXAMPLES_FILE):
            specs.extend(_load_family(name, _read(name, content), labels, examples))
    _reject_duplicates(specs)
    check_parents(specs)
    unknown = set(examples) - {s.id for s in specs}
    if unknown:
        raise CatalogError(f"{EXAMPLES_FILE}: no model {sorted(unknown)[0]!r}")
    return tuple(specs)


def _read(name: str, content: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{name}: not valid TOML: {exc}") from exc


def _load_family(
    name: str,
    data: Mapping[str, Any],
    labels: Mapping[str, Any],
    examples: Mapping[str, Any] | None = None,
) -> list[ModelSpec]:
    family = data.get("family", Path(name).stem)
    specs = []
    for raw in data.get("models", []):
        where = f"{name}: model {raw.get('id', '?')!r}"
        raw = {**raw, "family": raw.get("family", family), "source": name}
        if examples and "examples" not in raw:
            raw["examples"] = examples.get(raw.get("id", ""), [])
        category = str(raw.get("category", ""))
        raw = with_mode_input(raw)
        raw["inputs"] = [_with_labels(i, labels, category) for i in raw.get("inputs", [])]
        try:
            spec = ModelSpec.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise CatalogError(f"{where}: {loc}: {first['msg']}") from exc
        _check(spec, where)
        specs.append(spec)
    return specs


def _with_labels(
    raw: Mapping[str, Any], labels: Mapping[str, Any], category: str = ""
) -> dict[str, Any]:
    """Fill a missing parameter or value label from the shared label file; a help line for
    the model's category ([help_for.<category>.<name>]) comes before the general one."""
    out = dict(raw)
    name = out.get("name", "")
    params = labels.get("params", {})
    if "label" not in out and name in params:
        out["label"] = params[name]
    helps = {**labels.get("help", {}), **labels.get("help_for", {}).get(category, {})}
    if name in helps:
        out["help"] = _joined_help(out.get("help"), helps[name])
    shared = {**labels.get("values", {}), **labels.get("param_values", {}).get(name, {})}
    options = []
    for option in out.get("options", []):
        option = dict(option) if isinstance(option, Mapping) else {"value": option}
        key = str(option["value"]).lower() if not isinstance(option["value"], bool) else ""
        if "label" not in option and key in shared:
            option["label"] = shared[key]
        options.append(option)
    out["options"] = options
    return out


def _joined_help(own: Any, shared: Mapping[str, str]) -> Any:
    """A model's own help line; when it gives no example and the shared one does, the shared
    line (what good input looks like) comes first and the model's note after it."""
    if not isinstance(own, Mapping):
        return shared
    if EXAMPLE_WORD in own.get("ru", "") or EXAMPLE_WORD not in shared.get("ru", ""):
        return own
    return {lang: f"{shared[lang]}\n{own[lang]}" for lang in ("ru", "en")}


def _check(spec: ModelSpec, where: str) -> None:
    names = [i.name for i in spec.inputs]
    if len(set(names)) != len(names):
        raise CatalogError(f"{where}: an input is listed twice")
    known = set(names)
    _require_known(spec.order, known, where, "order")
    if spec.cost is not None:
        _require_known(spec.cost.by, known, where, "cost.by")
        extra = [
            n for n in (spec.cost.per, spec.cost.per_chars, spec.cost.per_divisor) if n is not None
        ]
        _require_known(extra, known, where, "cost")
        _check_seconds(spec, where)
        _check_present_and_extras(spec, where)
    for field in spec.inputs:
        _require_known(field.when, known, where, f"{field.name}.when")
        for rule in field.limits:
            _require_known(rule.when, known, where, f"{field.name}.limits.when")
        _check_above(spec, field, where)
        _check_default(field, where)
    for output in spec.outputs:
        _require_known(output.when, known, where, "outputs.when")
    if spec.slots is not None:
        _require_known(spec.slots.costs, known, where, "slots.costs")
    check_shapes(spec, where)


def _check_seconds(spec: ModelSpec, where: str) -> None:
    """`per_media_seconds` names a media input; the second limits come only with it."""
    cost = spec.cost
    if cost is None:
        return
    name = cost.per_media_seconds
    if name is None:
        if cost.min_seconds is not None or cost.max_seconds is not None:
            raise CatalogError(f"{where}: cost.min_seconds/max_seconds need per_media_seconds")
        return
    field = spec.inputs_by_name().get(name)
    if field is None or not field.is_media:
        raise CatalogError(f"{where}: cost.per_media_seconds names no media input: {name!r}")
    low, high = cost.min_seconds, cost.max_seconds
    if (low is not None and low < 0) or (high is not None and high <= 0):
        raise CatalogError(f"{where}: cost.min_seconds/max_seconds must be positive")
    if low is not None and high is not None and low > high:
        raise CatalogError(f"{where}: cost.min_seconds is above cost.max_seconds")


def _check_present_and_extras(spec: ModelSpec, where: str) -> None:
    """`present` names media inputs (or object lists: Gemini Omni's source video) of `by`;
    extras name inputs and count one thing each."""
    cost = spec.cost
    if cost is None:
        return
    by_name = spec.inputs_by_name()
    for name in cost.present:
        field = by_name.get(name)
        listed = field is not None and (field.is_media or field.kind is InputKind.OBJECT_LIST)
        if name not in cost.by or not listed:
            raise CatalogError(f"{where}: cost.present names no media input of cost.by: {name!r}")
    for extra in cost.extras:
        counted = [n for n in (extra.per_item, extra.per_media_seconds) if n is not None]
        if len(counted) != 1:
            raise CatalogError(f"{where}: a cost extra needs one of per_item/per_media_seconds")
        _require_known([*counted, *extra.when], set(by_name), where, "cost.extras")
        if extra.per_media_seconds is not None and not by_name[counted[0]].is_media:
            raise CatalogError(f"{where}: cost.extras per_media_seconds names no media input")


def _check_above(spec: ModelSpec, field: InputSpec, where: str) -> None:
    """`above` joins two number inputs of the model (a section's end and its start)."""
    if field.above is None:
        return
    numbers = (InputKind.INTEGER, InputKind.NUMBER)
    other = spec.inputs_by_name().get(field.above.input)
    if field.kind not in numbers or other is None or other.kind not in numbers:
        raise CatalogError(f"{where}: {field.name}.above joins two number inputs")


def _require_known(names: Iterable[str], known: set[str], where: str, what: str) -> None:
    for name in names:
        if name not in known:
            raise CatalogError(f"{where}: {what} names an unknown input {name!r}")


def _check_default(field: InputSpec, where: str) -> None:
    default = field.default
    if field.kind is InputKind.CHOICE and not field.options:
        raise CatalogError(f"{where}: choice input {field.name!r} has no options")
    if default is None:
        return
    if field.kind is InputKind.CHOICE and default not in field.option_values():
        raise CatalogError(
            f"{where}: default {default!r} of {field.name!r} is not one of its options"
        )
    if field.kind in (InputKind.INTEGER, InputKind.NUMBER):
        if isinstance(default, bool) or not isinstance(default, int | float):
            raise CatalogError(f"{where}: default of {field.name!r} is not a number")
        low = field.min if field.min is not None else default
        high = field.max if field.max is not None else default
        if not low <= default <= high:
            raise CatalogError(
                f"{where}: default {default!r} of {field.name!r} is outside {low}..{high}"
            )
    if field.kind is InputKind.BOOLEAN and not isinstance(default, bool):
        raise CatalogError(f"{where}: default of {field.name!r} is not true/false")


def _reject_duplicates(specs: list[ModelSpec]) -> None:
    seen_ids: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    for spec in specs:
        for key, seen in ((spec.id, seen_ids), (spec.code, seen_codes)):
            if key in seen:
                raise CatalogError(
                    f"{spec.source}: model {spec.id!r}: {key!r} is already used in {seen[key]}"
                )
            seen[key] = spec.source


__all__ = ["DATA_DIR", "Label", "Option", "load_catalog"]
