"""The async KIE.ai client: tasks, statuses, callbacks, uploads and its error tree."""

from kiegram.kie.api_family import ENDPOINTS, ApiFamily, Endpoints, endpoints
from kiegram.kie.callbacks import CALLBACK_PARSERS, callback_task_id, parse_callback
from kiegram.kie.client import DEFAULT_USER_AGENT, KieClient, create_body
from kiegram.kie.errors import (
    KieAuthError,
    KieError,
    KieFileTooLarge,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieInvalidInput,
    KieMaintenance,
    KieNotFound,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    KieShuttingDown,
    KieTransportError,
    error_from_envelope,
    is_retryable,
    may_resend_create,
)
from kiegram.kie.limiter import RateLimiter, SlidingWindowLimiter
from kiegram.kie.retry import RetryPolicy, backoff_delays, retry_async
from kiegram.kie.status import STATUS_PARSERS, TaskState, TaskStatus, parse_status

__all__ = [
    "CALLBACK_PARSERS",
    "DEFAULT_USER_AGENT",
    "ENDPOINTS",
    "STATUS_PARSERS",
    "ApiFamily",
    "Endpoints",
    "KieAuthError",
    "KieClient",
    "KieError",
    "KieFileTooLarge",
    "KieGenerationFailed",
    "KieInsufficientCredits",
    "KieInvalidInput",
    "KieMaintenance",
    "KieNotFound",
    "KieProtocolError",
    "KieRateLimited",
    "KieServerError",
    "KieShuttingDown",
    "KieTransportError",
    "RateLimiter",
    "RetryPolicy",
    "SlidingWindowLimiter",
    "TaskState",
    "TaskStatus",
    "backoff_delays",
    "callback_task_id",
    "create_body",
    "endpoints",
    "error_from_envelope",
    "is_retryable",
    "may_resend_create",
    "parse_callback",
    "parse_status",
    "retry_async",
]
