"""Typed task status and one pure parser per API family's status (record-info) ``data``.

Parsing is lenient: odd or missing fields never raise. An unknown or missing state stays
RUNNING (the caller's deadline ends it); a "success" without any result becomes FAILED with
a protocol message, so nobody is charged for nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from kiegram.kie import _fields as f
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.segments import segments

NO_RESULTS = "KIE reported success but returned no results"
NOT_AN_OBJECT = "KIE status data is not a JSON object"


class TaskState(StrEnum):
    """Where a task is in its life; only SUCCEEDED and FAILED are terminal."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        """True for SUCCEEDED and FAILED."""
        return self in (TaskState.SUCCEEDED, TaskState.FAILED)


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """One observation of a KIE task, family-independent."""

    task_id: str
    state: TaskState
    result_urls: tuple[str, ...] = ()
    result_text: str | None = None
    result_ids: tuple[str, ...] = ()  # per-item ids, in result order (Suno's track ids)
    result_seconds: tuple[float, ...] = ()  # per-item lengths, where KIE gives them (Suno)
    fail_code: str | None = None
    fail_message: str | None = None
    credits_consumed: float | None = None
    progress: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


StatusParser = Callable[[Mapping[str, Any]], TaskStatus]


def build(
    data: Mapping[str, Any],
    state: TaskState,
    result_urls: tuple[str, ...] = (),
    *,
    result_text: str | None = None,
    fail_code: str | None = None,
    fail_message: str | None = None,
    credits_consumed: float | None = None,
    progress: int | None = None,
    task_id: str | None = None,
    result_ids: tuple[str, ...] = (),
    result_seconds: tuple[float, ...] = (),
) -> TaskStatus:
    """Assemble a TaskStatus, turning a success without results into a protocol failure."""
    if state is TaskState.SUCCEEDED and not result_urls and result_text is None:
        state, fail_message = TaskState.FAILED, NO_RESULTS
    if state is not TaskState.FAILED:
        fail_code = fail_message = None
    elif fail_message is None:
        fail_message = "KIE reported a failure without a message"
    return TaskStatus(
        task_id=task_id or f.first_text(data, "taskId", "task_id") or "",
        state=state,
        result_urls=result_urls,
        result_text=result_text,
        result_ids=result_ids if state is TaskState.SUCCEEDED else (),
        result_seconds=result_seconds if state is TaskState.SUCCEEDED else (),
        fail_code=fail_code,
        fail_message=fail_message,
        credits_consumed=credits_consumed,
        progress=progress,
        raw=data,
    )


def not_an_object(data: object) -> TaskStatus:
    """The FAILED status for a ``data`` that is not a JSON object."""
    raw: Mapping[str, Any] = {"data": data}
    return TaskStatus(task_id="", state=TaskState.FAILED, fail_message=NOT_AN_OBJECT, raw=raw)


def _credits(data: Mapping[str, Any]) -> float | None:
    # Older pages call it consumeCredits; newer ones creditsConsumed.
    for key in ("creditsConsumed", "consumeCredits"):
        value = f.number(data.get(key))
        if value is not None:
            return value
    return None


def _progress(value: object) -> int | None:
    """0-100 from an int percent or a "0.00"-"1.00" fraction string."""
    if isinstance(value, str) and "." in value:
        fraction = f.number(value)
        return None if fraction is None else max(0, min(100, round(fraction * 100)))
    percent = f.integer(value)
    return None if percent is None else max(0, min(100, percent))


_MARKET_STATES = {
    "waiting": TaskState.QUEUED,
    "queuing": TaskState.QUEUED,
    "generating": TaskState.RUNNING,
    "success": TaskState.SUCCEEDED,
    "fail": TaskState.FAILED,
}


def market_result(result: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """URLs and text from a Market ``resultJson`` object."""
    found = f.urls(result.get("resultUrls"))
    if not found:
        found = f.urls(result.get("firstFrameUrl"), result.get("lastFrameUrl"))
    obj = result.get("resultObject")
    if obj is None:
        return found, None
    if not found and isinstance(obj, Mapping):
        # omnihuman-1-5/subject-detection answers with its masks there, not in resultUrls;
        # a Grok segment map with one mask per region (kie/segments.py).
        found = f.urls(obj.get("mask_urls")) or tuple(s.mask_url for s in segments(obj))
    return found, obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)


def market_ids(result: Mapping[str, Any], found: tuple[str, ...]) -> tuple[str, ...]:
    """Per-item ids of a Market result: a segment map's region indexes, in mask order."""
    regions = segments(result.get("resultObject"))
    if not regions or tuple(s.mask_url for s in regions) != found:
        return ()
    return tuple(str(s.index) for s in regions)


def parse_market(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Market ``recordInfo`` data (also the Market callback's ``data``)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    state = _MARKET_STATES.get(str(data.get("state", "")).lower(), TaskState.RUNNING)
    result = f.mapping(data.get("resultJson"))
    found, result_text = market_result(result)
    return build(
        data,
        state,
        found,
        result_text=result_text,
        result_ids=market_ids(result, found),
        fail_code=f.text(data.get("failCode")),
        fail_message=f.first_text(data, "failMsg", "msg", "message"),
        credits_consumed=_credits(data),
        progress=_progress(data.get("progress")),
    )


def _flag_state(flag: object, succeeded: frozenset[int] = frozenset({1})) -> TaskState:
    value = f.integer(flag)
    if value in succeeded:
        return TaskState.SUCCEEDED
    if value in (2, 3):
        return TaskState.FAILED
    return TaskState.RUNNING


def _flagged(
    data: Mapping[str, Any], found: tuple[str, ...], state: TaskState | None = None
) -> TaskStatus:
    """Shared shape of Veo/Luma/MJ/4o/Flux: successFlag, errorCode, errorMessage."""
    return build(
        data,
        state or _flag_state(data.get("successFlag")),
        found,
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
        progress=_progress(data.get("progress")),
    )


def parse_veo(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Veo ``record-info`` data (successFlag 0 running, 1 success, 2/3 failed)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    return _flagged(data, f.urls(f.mapping(data.get("response")).get("resultUrls")))


def parse_luma(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Luma ``record-info`` data; flag 4 (callback failed) still has results."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    state = _flag_state(data.get("successFlag"), frozenset({1, 4}))
    return _flagged(data, f.urls(f.mapping(data.get("response")).get("resultUrls")), state)


def parse_midjourney(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Midjourney ``record-info`` data (resultInfoJson.resultUrls[].resultUrl)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    entries = f.items(f.mapping(data.get("resultInfoJson")).get("resultUrls"))
    found = f.urls([e.get("resultUrl") if isinstance(e, Mapping) else e for e in entries])
    return _flagged(data, found)


_GPT4O_STATES = {
    "GENERATING": TaskState.RUNNING,
    "SUCCESS": TaskState.SUCCEEDED,
    "CREATE_TASK_FAILED": TaskState.FAILED,
    "GENERATE_FAILED": TaskState.FAILED,
}


def parse_gpt4o_image(data: Mapping[str, Any]) -> TaskStatus:
    """Parse 4o Image ``record-info`` data; ``status`` wins over ``successFlag``."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    state = _GPT4O_STATES.get(str(data.get("status", "")).upper())
    return _flagged(data, f.urls(f.mapping(data.get("response")).get("resultUrls")), state)


def parse_flux_kontext(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Flux Kontext ``record-info`` data (response.resultImageUrl)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    return _flagged(data, f.urls(f.mapping(data.get("response")).get("resultImageUrl")))


_RUNWAY_STATES = {
    "wait": TaskState.QUEUED,
    "queueing": TaskState.QUEUED,
    "generating": TaskState.RUNNING,
    "success": TaskState.SUCCEEDED,
    "fail": TaskState.FAILED,
}


def parse_runway(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Runway ``record-detail`` data (state, videoInfo.videoUrl)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    state = _RUNWAY_STATES.get(str(data.get("state", "")).lower(), TaskState.RUNNING)
    return build(
        data,
        state,
        f.urls(f.mapping(data.get("videoInfo")).get("videoUrl")),
        fail_code=f.text(data.get("failCode")),
        fail_message=f.first_text(data, "failMsg", "msg", "message"),
    )


_SUNO_RUNNING = frozenset({"PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"})
_SUNO_FAILED = frozenset({"CALLBACK_EXCEPTION", "SENSITIVE_WORD_ERROR"})


def suno_state(status: object) -> TaskState:
    """Map a Suno ``status`` string to a TaskState."""
    name = str(status or "").upper()
    if name == "SUCCESS":
        return TaskState.SUCCEEDED
    if name in _SUNO_FAILED or name.endswith(("_FAILED", "_ERROR")):
        return TaskState.FAILED
    return TaskState.RUNNING


def parse_suno(data: Mapping[str, Any]) -> TaskStatus:
    """Parse Suno ``record-info`` data (status, response.sunoData[].audioUrl)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    tracks = [
        t
        for t in f.items(f.mapping(data.get("response")).get("sunoData"))
        if isinstance(t, Mapping)
    ]
    playable = [t for t in tracks if f.urls(t.get("audioUrl"))]
    found = f.urls([t.get("audioUrl") for t in playable])
    ids = tuple(f.text(t.get("id")) or "" for t in playable)
    seconds = tuple(f.number(t.get("duration")) or 0.0 for t in playable)
    return build(
        data,
        suno_state(data.get("status")),
        found,
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
        result_ids=ids if all(ids) and len(ids) == len(found) else (),
        result_seconds=seconds if all(seconds) and len(seconds) == len(found) else (),
    )


STATUS_PARSERS: Mapping[ApiFamily, StatusParser] = MappingProxyType(
    {
        ApiFamily.MARKET: parse_market,
        ApiFamily.VEO: parse_veo,
        ApiFamily.RUNWAY: parse_runway,
        ApiFamily.LUMA: parse_luma,
        ApiFamily.SUNO: parse_suno,
        ApiFamily.MIDJOURNEY: parse_midjourney,
        ApiFamily.GPT4O_IMAGE: parse_gpt4o_image,
        ApiFamily.FLUX_KONTEXT: parse_flux_kontext,
    }
)


def parse_status(family: ApiFamily, data: Mapping[str, Any]) -> TaskStatus:
    """Parse a status response's ``data`` with the parser of ``family``."""
    return STATUS_PARSERS[ApiFamily(family)](data)
