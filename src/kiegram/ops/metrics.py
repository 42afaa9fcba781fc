"""Prometheus metrics on a registry of their own, with small functions the app calls."""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

# Handlers answer in milliseconds to seconds; generations take seconds to many minutes.
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)


class Metrics:
    """Every kiegram metric, registered on `registry` (a fresh one by default)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "kiegram_updates", "Telegram updates handled", ["type", "outcome"], registry=r
        )
        self.handler_seconds = Histogram(
            "kiegram_handler_seconds", "Time to handle one update", ["type"],
            buckets=HANDLER_BUCKETS, registry=r,
        )  # fmt: skip
        self.kie_calls = Counter(
            "kiegram_kie_calls", "KIE API calls", ["endpoint", "code"], registry=r
        )
        self.jobs = Counter(
            "kiegram_jobs", "Jobs entering a state", ["state", "family"], registry=r
        )
        self.job_seconds = Histogram(
            "kiegram_job_seconds", "Job duration from submit to final state", ["family", "state"],
            buckets=JOB_BUCKETS, registry=r,
        )  # fmt: skip
        self.callbacks = Counter(
            "kiegram_kie_callbacks", "KIE callbacks received", ["result", "reason"], registry=r
        )
        self.ledger = Counter("kiegram_ledger_movements", "Ledger movements", ["kind"], registry=r)
        self.ledger_units = Counter(
            "kiegram_ledger_units", "Units moved through the ledger", ["kind"], registry=r
        )
        self.refused_updates = Counter(
            "kiegram_refused_updates", "Webhook bodies and updates refused", ["reason"], registry=r
        )
        self.telegram_errors = Counter(
            "kiegram_telegram_errors", "Telegram Bot API errors", ["method", "error"], registry=r
        )
        # The labelled children of the per-update metrics, looked up once per label set
        # (`labels()` checks and locks on every call; this runs for every update).
        self._updates: dict[tuple[str, str], Any] = {}
        self._handler_seconds: dict[str, Any] = {}

    def update_handled(self, kind: str, outcome: str, seconds: float) -> None:
        """One update of `kind` (message, callback_query, ...) ended with `outcome`."""
        count = self._updates.get((kind, outcome))
        if count is None:
            count = self._updates[kind, outcome] = self.updates.labels(type=kind, outcome=outcome)
        timing = self._handler_seconds.get(kind)
        if timing is None:
            timing = self._handler_seconds[kind] = self.handler_seconds.labels(type=kind)
        count.inc()
        timing.observe(max(seconds, 0.0))

    def kie_call(self, endpoint: str, code: int | str) -> None:
        """One KIE request to `endpoint` answered with `code` (envelope code or HTTP status)."""
        self.kie_calls.labels(endpoint=endpoint, code=str(code)).inc()

    def job_state(self, state: str, family: str) -> None:
        """A job of model `family` entered `state`."""
        self.jobs.labels(state=state, family=family).inc()

    def job_finished(self, family: str, state: str, seconds: float) -> None:
        """A job reached its final `state` after `seconds`."""
        self.job_seconds.labels(family=family, state=state).observe(max(seconds, 0.0))

    def callback(self, accepted: bool, reason: str = "") -> None:
        """A KIE callback was accepted, or refused for `reason` (bad_key, unknown_task, ...)."""
        result = "accepted" if accepted else "refused"
        self.callbacks.labels(result=result, reason=reason or ("ok" if accepted else "other")).inc()

    def ledger_movement(self, kind: str, units: float = 0) -> None:
        """One ledger entry of `kind` (topup, hold, capture, release, ...) moving `units`."""
        self.ledger.labels(kind=kind).inc()
        if units:
            self.ledger_units.labels(kind=kind).inc(abs(units))

    def telegram_error(self, method: str, error: str = "api") -> None:
        """A Bot API call to `method` failed with `error` (its exception class, say)."""
        self.telegram_errors.labels(method=method, error=error).inc()

    def update_refused(self, reason: str) -> None:
        """A webhook body or update was refused for `reason` (not_json, unknown_type, ...)."""
        self.refused_updates.labels(reason=reason).inc()

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)
