"""The root of kiegram's own exception tree.

Every package raises subclasses of :class:`KiegramError`, grouped by what the caller can do.
The KIE client keeps its own root (``kiegram.kie.errors.KieError``) so it stays importable
alone; the composition root translates between them.
"""

from __future__ import annotations


class KiegramError(Exception):
    """Base class for every error kiegram raises on purpose."""


class ConfigError(KiegramError):
    """Settings are missing or malformed; start-up stops with one clear line."""


class CatalogError(KiegramError):
    """A catalog data file is invalid; the message names the file and the model."""
