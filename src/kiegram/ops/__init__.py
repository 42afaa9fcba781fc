"""Operating kiegram: structured logs, metrics, health endpoints, doctor and admin alerts.

aiogram is imported only by `kiegram.ops.middleware`; import that module explicitly.
"""

from kiegram.ops.alerts import Alerter
from kiegram.ops.checks import CheckResult
from kiegram.ops.health import CheckOutcome, Readiness, add_ops_routes
from kiegram.ops.logging import log_context, setup_logging
from kiegram.ops.metrics import Metrics
from kiegram.ops.redaction import RedactingFilter, redact, register_secret

__all__ = [
    "Alerter",
    "CheckOutcome",
    "CheckResult",
    "Metrics",
    "Readiness",
    "RedactingFilter",
    "add_ops_routes",
    "log_context",
    "redact",
    "register_secret",
    "setup_logging",
]
