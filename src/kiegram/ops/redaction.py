"""Secret redaction for log lines: registered secrets and anything shaped like a bot token."""

from __future__ import annotations

import logging
import re
import threading

from kiegram.settings import Settings

MASK = "***"
# Secrets shorter than this would blank out ordinary words in every line.
MIN_SECRET_LENGTH = 4

# A Telegram file URL carries the token and a path that only works with it: drop it whole.
_FILE_URL = re.compile(r"(?:https?://[^\s\"'<>/]+)?/file/bot[^\s\"'<>/]*/[^\s\"'<>]*")
# Any Bot API path: /bot<token>/method.
_BOT_PATH = re.compile(r"/bot[^\s\"'<>/]+/")
# A bare bot token anywhere (id:secret), registered or not.
_BARE_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")


class Redactor:
    """Replaces registered secrets and Telegram token shapes with ``***``."""

    def __init__(self) -> None:
        self._secrets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def register(self, value: str | None) -> None:
        """Remember `value` as a secret; empty or very short values are ignored."""
        if value is None or len(value.strip()) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            self._secrets = self._secrets | {value.strip()}

    def clear(self) -> None:
        """Forget every registered secret (tests)."""
        with self._lock:
            self._secrets = frozenset()

    def redact(self, text: str) -> str:
        """`text` with every secret masked."""
        # Longest first, so a secret that contains another one is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = _FILE_URL.sub(MASK, text)
        text = _BOT_PATH.sub(f"/bot{MASK}/", text)
        return _BARE_TOKEN.sub(MASK, text)


REDACTOR = Redactor()


def register_secret(value: str | None) -> None:
    """Register a secret with the process-wide redactor every log handler uses."""
    REDACTOR.register(value)


def redact(text: str) -> str:
    """Mask secrets in `text` with the process-wide redactor."""
    return REDACTOR.redact(text)


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message and traceback without secrets."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message now, masked; keep the record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


def register_settings_secrets(settings: Settings) -> None:
    """Register the bot token, KIE keys and webhook secrets of `settings`."""
    for value in (
        settings.bot_token,
        settings.kie_api_key,
        settings.kie_webhook_key,
        settings.webhook_secret,
    ):
        register_secret(value)
