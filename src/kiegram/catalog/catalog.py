"""The loaded catalog: look-ups by id, short code and category."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kiegram.catalog.kinds import Category
from kiegram.catalog.spec import ModelSpec


class Catalog:
    """An immutable collection of model specs with fast look-ups."""

    def __init__(self, specs: Iterable[ModelSpec]) -> None:
        self._specs = tuple(specs)
        self._by_id = {s.id: s for s in self._specs}
        self._by_code = {s.code: s for s in self._specs}

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def get(self, key: str) -> ModelSpec | None:
        """A model by KIE id or short code."""
        return self._by_id.get(key) or self._by_code.get(key)

    def usable(self) -> list[ModelSpec]:
        """The models offered to users, in catalog order."""
        return [s for s in self._specs if s.usable]

    def held(self) -> list[ModelSpec]:
        """The models kept out of the user-facing catalog."""
        return [s for s in self._specs if not s.usable]

    def in_category(self, category: Category) -> list[ModelSpec]:
        """The usable models of one category."""
        return [s for s in self._specs if s.usable and s.category is category]
