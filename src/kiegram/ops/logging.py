"""Structured logging: one line per event, context fields from contextvars, secrets masked."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from kiegram.ops.redaction import REDACTOR, RedactingFilter, Redactor

CONTEXT_FIELDS = ("update_id", "user_id", "job_id", "task_id")
_context: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "kiegram_log_context", default=None
)
# Marks the handler setup_logging installed, so calling it twice replaces rather than doubles.
_OWN_HANDLER = "_kiegram_handler"


@contextlib.contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add `fields` (update_id, user_id, job_id, task_id, ...) to every line logged inside."""
    merged = {**(_context.get() or {}), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    """The fields log_context has set in this task."""
    return dict(_context.get() or {})


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = current_context()
    # Fields passed as `extra=` win over the ambient context.
    for name in CONTEXT_FIELDS:
        if hasattr(record, name):
            fields[name] = getattr(record, name)
    return fields


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, context fields, exc."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line."""
        line: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        return self.redactor.redact(json.dumps(line, ensure_ascii=False, default=str))


def _value(value: Any) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class TextFormatter(logging.Formatter):
    """A readable line: time, level, logger, message, then key=value context fields."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        """The record as `ts LEVEL logger: message key=value ...`."""
        parts = [
            _timestamp(record),
            f"{record.levelname:<7}",
            f"{record.name}:",
            record.getMessage(),
        ]
        parts += [f"{key}={_value(value)}" for key, value in _fields(record).items()]
        line = " ".join(parts)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            # Tracebacks stay on one line so every event is exactly one line.
            line += " exc=" + json.dumps(record.exc_text, ensure_ascii=False)
        return self.redactor.redact(line)


def attach_redaction(redactor: Redactor = REDACTOR) -> int:
    """Add a RedactingFilter to every handler of every logger that lacks one; returns the count."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        item
        for item in logging.Logger.manager.loggerDict.values()
        if isinstance(item, logging.Logger)
    ]
    added = 0
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter(redactor))
                added += 1
    return added


def setup_logging(
    level: str | int = "INFO", fmt: str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Send every logger's records to one redacting handler, as JSON (`fmt="json"`) or text."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OWN_HANDLER, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _OWN_HANDLER, True)
    handler.setFormatter(JsonFormatter() if fmt.lower() == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    attach_redaction()
    return handler
