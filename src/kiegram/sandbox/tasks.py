"""Simulated KIE tasks and the status and callback bodies of each API family."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiegram.catalog.kinds import ApiFamily


@dataclass(slots=True)
class SandboxTask:
    """One task: what was asked, when it finishes and how."""

    task_id: str
    family: ApiFamily
    model: str
    request: dict[str, Any]
    output: str
    created: float
    delay: float
    fail: bool = False
    lost_callback: bool = False
    dup_callback: bool = False
    queued: bool = False  # "waiting" rather than "generating" until done (Market)
    result_urls: list[str] = field(default_factory=list)
    result_text: str | None = None
    credits: float = 4.0  # what the record reports as creditsConsumed on success

    def done(self, now: float) -> bool:
        """True once the task has finished (successfully or not)."""
        return now - self.created >= self.delay

    @property
    def param(self) -> str:
        """The create request as a JSON string, as KIE echoes it."""
        return json.dumps(self.request, ensure_ascii=False)


FAIL_MESSAGE = "Generation failed: the sandbox was asked to fail this task."
RESULT_OBJECT_URLS = {"omnihuman-1-5/subject-detection": "mask_urls"}
"""Models whose files KIE lists in resultObject (under this key), not in resultUrls."""
SEGMENT_MAP = "grok-imagine-image-2-0/segment-map"
SEGMENT_NAMES = ("background", "white cat", "wooden table")
"""A segment map's regions in the sandbox: index i is named SEGMENT_NAMES[i], mask i."""


def segment_object(task: SandboxTask) -> dict[str, Any]:
    """A segment map's resultObject as KIE gives it: one mask per region, with its index."""
    regions = [
        {"index": i, "name": SEGMENT_NAMES[i % len(SEGMENT_NAMES)], "maskUrl": url}
        for i, url in enumerate(task.result_urls)
    ]
    return {"segments_count": len(regions), "segments": regions}


_MS = 1000


def _market_status(task: SandboxTask, done: bool) -> dict[str, Any]:
    running = "waiting" if task.queued else "generating"
    state = running if not done else "fail" if task.fail else "success"
    result: dict[str, Any] = {"resultUrls": task.result_urls}
    if task.model in RESULT_OBJECT_URLS:
        result = {"resultObject": {RESULT_OBJECT_URLS[task.model]: task.result_urls}}
    if task.model == SEGMENT_MAP:
        result = {"resultObject": segment_object(task)}
    if task.result_text is not None:
        result = {"resultObject": {"text": task.result_text}}
    return {
        "taskId": task.task_id,
        "model": task.model,
        "state": state,
        "param": task.param,
        "resultJson": json.dumps(result) if state == "success" else "",
        "failCode": "501" if state == "fail" else "",
        "failMsg": FAIL_MESSAGE if state == "fail" else "",
        "creditsConsumed": 0 if state == "fail" else task.credits,
        "createTime": int(task.created * _MS),
    }


def _flag(task: SandboxTask, done: bool) -> int:
    return 0 if not done else 3 if task.fail else 1


def _flagged(task: SandboxTask, done: bool, response: dict[str, Any]) -> dict[str, Any]:
    flag = _flag(task, done)
    return {
        "taskId": task.task_id,
        "paramJson": task.param,
        "successFlag": flag,
        "response": response if flag == 1 else None,
        "errorCode": 501 if flag == 3 else None,
        "errorMessage": FAIL_MESSAGE if flag == 3 else None,
    }


def _veo_like(task: SandboxTask, done: bool) -> dict[str, Any]:
    return _flagged(task, done, {"taskId": task.task_id, "resultUrls": task.result_urls})


def _midjourney(task: SandboxTask, done: bool) -> dict[str, Any]:
    data = _flagged(task, done, {})
    urls = [{"resultUrl": u} for u in task.result_urls] if data["successFlag"] == 1 else []
    return {**data, "resultInfoJson": {"resultUrls": urls}}


def _gpt4o(task: SandboxTask, done: bool) -> dict[str, Any]:
    data = _veo_like(task, done)
    status = {0: "GENERATING", 1: "SUCCESS", 3: "GENERATE_FAILED"}[data["successFlag"]]
    return {**data, "status": status}


def _flux(task: SandboxTask, done: bool) -> dict[str, Any]:
    return _flagged(task, done, {"resultImageUrl": task.result_urls[0]})


def _runway(task: SandboxTask, done: bool) -> dict[str, Any]:
    state = "generating" if not done else "fail" if task.fail else "success"
    video = {"videoUrl": task.result_urls[0]} if state == "success" else None
    return {
        "taskId": task.task_id,
        "paramJson": task.param,
        "state": state,
        "videoInfo": video,
        "failCode": "501" if state == "fail" else "",
        "failMsg": FAIL_MESSAGE if state == "fail" else "",
    }


TRACK_SECONDS = 100.0  # the length of every sandbox Suno track, as record-info gives it


def _suno(task: SandboxTask, done: bool) -> dict[str, Any]:
    status = "PENDING" if not done else "GENERATE_AUDIO_FAILED" if task.fail else "SUCCESS"
    tracks = [
        {"id": f"{task.task_id}-{i}", "audioUrl": u, "duration": TRACK_SECONDS}
        for i, u in enumerate(task.result_urls)
    ]
    return {
        "taskId": task.task_id,
        "paramJson": task.param,
        "status": status,
        "response": {"taskId": task.task_id, "sunoData": tracks if status == "SUCCESS" else []},
        "errorCode": 501 if task.fail and done else None,
        "errorMessage": FAIL_MESSAGE if task.fail and done else None,
    }


STATUS_BUILDERS: dict[ApiFamily, Callable[[SandboxTask, bool], dict[str, Any]]] = {
    ApiFamily.MARKET: _market_status,
    ApiFamily.VEO: _veo_like,
    ApiFamily.LUMA: _veo_like,
    ApiFamily.MIDJOURNEY: _midjourney,
    ApiFamily.GPT4O_IMAGE: _gpt4o,
    ApiFamily.FLUX_KONTEXT: _flux,
    ApiFamily.RUNWAY: _runway,
    ApiFamily.SUNO: _suno,
}


def status_data(task: SandboxTask, now: float | None = None) -> dict[str, Any]:
    """The record-info ``data`` of a task right now."""
    done = task.done(time.monotonic() if now is None else now)
    return STATUS_BUILDERS[task.family](task, done)


def callback_body(task: SandboxTask) -> dict[str, Any]:
    """The callback KIE posts when the task is finished (shape per family)."""
    code, msg = (501, FAIL_MESSAGE) if task.fail else (200, "success")
    urls = [] if task.fail else task.result_urls
    family = task.family
    data: dict[str, Any]
    if family is ApiFamily.MARKET:
        data = _market_status(task, True)
    elif family is ApiFamily.RUNWAY:
        data = {"task_id": task.task_id, "video_url": urls[0] if urls else ""}
    elif family is ApiFamily.SUNO:
        tracks = [{"audio_url": u} for u in urls]
        data = {"callbackType": "complete", "task_id": task.task_id, "data": tracks}
    elif family in (ApiFamily.VEO, ApiFamily.GPT4O_IMAGE):
        data = {"taskId": task.task_id, "info": {"resultUrls": urls, "result_urls": urls}}
    elif family is ApiFamily.FLUX_KONTEXT:
        data = {"taskId": task.task_id, "info": {"resultImageUrl": urls[0] if urls else ""}}
    else:
        data = {"taskId": task.task_id, "resultUrls": urls}
    return {"code": code, "msg": msg, "data": data}
