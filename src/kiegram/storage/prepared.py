"""A Core statement compiled once for one dialect, as `direct` runs it on the driver.

SQLAlchemy's compiler does the work: the SQL for the dialect, the parameters' positional
order (IN lists fixed in the statement expanded), each bind's and each column's type
processing, and the Python-side column defaults its execution would fill in. `Prepared` keeps
the outcome, so a call only orders and processes its values and turns the driver's rows into
named rows. Everything here is SQLAlchemy's public API: the compiled statement's `binds`,
`insert_prefetch`/`update_prefetch` and `construct_expanded_state()`, the statement's
`exported_columns`, and each type's `dialect_impl(dialect).bind_processor(...)` /
`.result_processor(...)` (what the compiler's private caches hold).
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


FIXED, GIVEN, DEFAULT = 0, 1, 2  # where a parameter's value comes from


class Slot(NamedTuple):
    """One positional parameter: its name, bind processor, and where its value comes from:
    fixed in the statement (`value`), given per call, or a column default (`value()`)."""

    name: str
    process: Processor
    source: int
    value: Any


@dataclass
class Prepared:
    """A statement compiled for one dialect and one set of parameter names."""

    sql: str
    slots: tuple[Slot, ...]
    returns_rows: bool
    columns: tuple[str, ...]
    types: tuple[Any, ...]
    row: type[tuple[Any, ...]]
    results: tuple[Processor, ...] | None = field(default=None)  # known after the first run

    @classmethod
    def compile(cls, statement: ClauseElement, dialect: Dialect, keys: Sequence[str]) -> Prepared:
        """Compile as SQLAlchemy would for these parameter names (its execution does the same)."""
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        assert isinstance(compiled, SQLCompiler)
        defaults = _defaults(compiled)
        required = {n for n, b in compiled.binds.items() if b.required} - set(defaults)
        for name in required:
            if compiled.binds[name].expanding:
                raise TypeError(f"an IN list bound per call is not supported: {name}")
        # Expands IN lists bound in the statement (a value list given per call is refused).
        expanded = compiled.construct_expanded_state(dict.fromkeys([*required, *defaults]))
        processors: dict[str, Any] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        processors.update(expanded.processors)
        slots = []
        for name in expanded.positiontup or ():
            process = processors.get(name)
            if process is not None and not callable(process):
                raise TypeError(f"tuple parameters are not supported: {name}")
            if name in defaults:
                slots.append(Slot(name, process, DEFAULT, defaults[name]))
            elif name in required or name in keys:  # a bound value the call overrides too
                slots.append(Slot(name, process, GIVEN, None))
            else:
                value = expanded.parameters[name]
                slots.append(
                    Slot(name, process, FIXED, value if process is None else process(value))
                )
        # What a row holds: a SELECT's columns, or a DML statement's RETURNING (named as in
        # SQLAlchemy's rows; an unnamed expression such as count() is read by position).
        exported = getattr(statement, "exported_columns", None)
        columns = tuple(exported.keys()) if exported is not None else ()
        return cls(
            sql=expanded.statement,
            slots=tuple(slots),
            returns_rows=bool(columns),
            columns=columns,
            types=tuple(c.type for c in exported) if exported is not None else (),
            row=collections.namedtuple("Row", columns, rename=True),
        )

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        """The driver's positional arguments for `params`."""
        out = []
        for name, process, source, value in self.slots:
            if source == FIXED:
                out.append(value)
                continue
            if source == GIVEN:
                try:
                    value = params[name]
                except KeyError:
                    raise InvalidRequestError(f"a value is required for {name!r}") from None
            else:
                value = value()
            out.append(value if process is None else process(value))
        return out

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[Any]:
        """The driver's rows as named rows, each value through its column's processor."""
        make: Any = self.row._make  # type: ignore[attr-defined]
        results = self.results
        if not results or not any(results):
            return [make(r) for r in raw]
        return [
            make([v if p is None else p(v) for p, v in zip(results, r, strict=True)]) for r in raw
        ]

    def learn(self, dialect: Dialect, coltypes: Sequence[Any]) -> None:
        """Set the result processors once (some depend on the driver's type of each column)."""
        self.results = tuple(
            t.dialect_impl(dialect).result_processor(dialect, c)
            for t, c in zip(self.types, coltypes, strict=True)
        )


def _defaults(compiled: SQLCompiler) -> dict[str, Callable[[], Any]]:
    """The Python-side defaults SQLAlchemy would fill in (columns the call leaves out)."""
    found: dict[str, Callable[[], Any]] = {}
    for columns, attribute in (
        (compiled.insert_prefetch, "default"),
        (compiled.update_prefetch, "onupdate"),
    ):
        for column in columns:
            default = getattr(column, attribute)
            if default is not None and default.is_scalar:
                found[column.key] = functools.partial(_same, default.arg)
            elif default is not None and default.is_callable:
                found[column.key] = functools.partial(default.arg, None)  # takes a context
            else:
                raise TypeError(f"no value and no Python default for {column}")
    return found


def _same(value: Any) -> Any:
    return value
