"""The wizard's exceptions: a refused answer, or a request that cannot be built."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from kiegram.errors import KiegramError


class WizardError(KiegramError):
    """Base class of the wizard's errors."""


class UnknownModelError(WizardError):
    """The state or the caller names a model the catalog does not offer."""


class MissingInputError(WizardError):
    """A required input has no value and no documented default."""

    def __init__(self, name: str) -> None:
        super().__init__(f"required input {name!r} has no value")
        self.name = name


class InvalidAnswer(WizardError):
    """An answer was refused; `key` and `values` form the translated message."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values: Mapping[str, Any] = MappingProxyType(dict(values))
