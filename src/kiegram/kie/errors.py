"""The KIE client's exception tree, grouped by what the caller can do about each error.

``KieError`` is the only root; callers catch the subclass that matches their next move
(fix the key, top up, fix the input, retry later, report the failure).
"""

from __future__ import annotations

from typing import ClassVar


class KieError(Exception):
    """Any failure talking to KIE; ``code`` is KIE's envelope code or the HTTP status."""

    retryable: ClassVar[bool] = False

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message if self.code is None else f"[{self.code}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, code={self.code!r})"


class KieAuthError(KieError):
    """The API key is missing, invalid or not allowed (401): fix the configuration."""


class KieInsufficientCredits(KieError):
    """The KIE account ran out of credits (402): stop submitting and alert the operator."""


class KieNotFound(KieError):
    """The task, record or endpoint does not exist (404, or 422 "record is null" on reads)."""


class KieInvalidInput(KieError):
    """KIE rejected the request's parameters (400/422 and other 4xx); ``message`` says why."""


class KieRateLimited(KieError):
    """KIE dropped the request because of its rate limit (429): it never entered the queue."""

    retryable = True


class KieMaintenance(KieError):
    """KIE is under maintenance (455): retry later."""

    retryable = True


class KieServerError(KieError):
    """KIE failed on its side (envelope 500/505, HTTP 5xx): retry reads, not creates."""

    retryable = True


class KieGenerationFailed(KieError):
    """The generation itself failed (501): report the failure, do not resubmit blindly."""


class KieTransportError(KieError):
    """The network failed; ``sent`` tells whether the request may have reached KIE."""

    retryable = True

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message, None)
        self.sent = sent

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, sent={self.sent!r})"


class KieShuttingDown(KieTransportError):
    """This process is stopping: the request was not sent (another start will send it)."""

    retryable = False

    def __init__(self, message: str = "shutting down before the request was sent") -> None:
        super().__init__(message, sent=False)


class KieProtocolError(KieError):
    """KIE's reply could not be understood (non-JSON body, missing fields)."""


class KieFileTooLarge(KieError):
    """A downloaded result file is larger than the caller's limit."""

    def __init__(self, message: str, *, max_bytes: int) -> None:
        super().__init__(message, None)
        self.max_bytes = max_bytes


_BY_CODE: dict[int, type[KieError]] = {
    401: KieAuthError,
    402: KieInsufficientCredits,
    404: KieNotFound,
    408: KieServerError,  # Veo: "upstream ... no result for over 10 minutes"
    429: KieRateLimited,
    455: KieMaintenance,
    501: KieGenerationFailed,
    505: KieServerError,
    550: KieRateLimited,  # 4o Image: "task rejected because queue full" -- never created
}

_NOT_FOUND_HINTS = ("recordinfo is null", "record is null")


def error_from_envelope(code: int, msg: str, *, reading_status: bool = False) -> KieError:
    """Build the exception for a KIE envelope ``code``/``msg`` (or an HTTP status)."""
    message = msg or f"KIE returned code {code}"
    if code == 422 and (reading_status or msg.strip().lower() in _NOT_FOUND_HINTS):
        return KieNotFound(message, code)
    cls = _BY_CODE.get(code)
    if cls is None:
        if 400 <= code < 500:
            cls = KieInvalidInput
        elif 500 <= code < 600:
            cls = KieServerError
        else:
            cls = KieProtocolError
    return cls(message, code)


def is_retryable(exc: BaseException) -> bool:
    """True when repeating an idempotent request (a read) may succeed."""
    return isinstance(exc, KieError) and exc.retryable


def may_resend_create(exc: BaseException) -> bool:
    """True when a create request certainly did not create a task, so resending is safe."""
    if isinstance(exc, KieTransportError):
        return not exc.sent
    return isinstance(exc, KieRateLimited)
