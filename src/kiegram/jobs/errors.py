"""Errors of the job lifecycle."""

from __future__ import annotations

from kiegram.errors import KiegramError


class JobError(KiegramError):
    """Base class of job lifecycle errors."""


class MediaUnavailable(JobError):
    """A media ref could not be turned into a URL (the file is gone or the upload failed)."""


class DeliveryFailed(JobError):
    """Delivery could not reach the user right now; the job is retried later."""


class LeaseLost(JobError):
    """Another instance took the job's lease while this one worked on it; the work stopped."""
