"""The generation lifecycle: submit, track (callback + polling), deliver, settle."""

from kiegram.jobs.model import Job, JobState, ResultFile
from kiegram.jobs.poller import Poller
from kiegram.jobs.ports import Delivery, JobStore, MediaResolver, Settlement, TaskApi
from kiegram.jobs.service import JobService

__all__ = [
    "Delivery",
    "Job",
    "JobService",
    "JobState",
    "JobStore",
    "MediaResolver",
    "Poller",
    "ResultFile",
    "Settlement",
    "TaskApi",
]
