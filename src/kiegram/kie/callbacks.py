"""Pure parsers for the callback (webhook) bodies KIE POSTs, one per API family.

The body is not signed (the HMAC covers only taskId and timestamp), so a callback is a hint:
callers should confirm a terminal state with a status read before acting on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from kiegram.kie import _fields as f
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.status import TaskState, TaskStatus, build, parse_market

CallbackParser = Callable[[Mapping[str, Any]], TaskStatus]

_NOT_AN_OBJECT = "KIE callback body is not a JSON object"


def callback_task_id(body: Mapping[str, Any]) -> str | None:
    """The task id of a callback: ``data.taskId``, ``data.task_id`` or top-level ``taskId``."""
    if not isinstance(body, Mapping):
        return None
    data = f.mapping(body.get("data"))
    return f.first_text(data, "taskId", "task_id") or f.first_text(body, "taskId", "task_id")


def _code(body: Mapping[str, Any]) -> int | None:
    return f.integer(body.get("code"))


def _message(body: Mapping[str, Any]) -> str | None:
    return f.first_text(body, "msg", "message")


def _dedicated(
    body: Mapping[str, Any], found: tuple[str, ...], *, running: bool = False
) -> TaskStatus:
    """A dedicated-API callback: code 200 means done (or a stage), anything else failed."""
    code = _code(body)
    failed = code is not None and code != 200
    state = TaskState.RUNNING if running else TaskState.SUCCEEDED
    if failed:
        state = TaskState.FAILED
    return build(
        body,
        state,
        () if failed else found,
        fail_code=str(code) if failed else None,
        fail_message=_message(body),
        task_id=callback_task_id(body),
    )


def _info(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return f.mapping(f.mapping(body.get("data")).get("info"))


def _data(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return f.mapping(body.get("data"))


def parse_market_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Market callback: ``data`` has the recordInfo shape; ``code`` 200 or 501."""
    data = _data(body)
    status = parse_market({**data, "msg": data.get("msg") or _message(body)})
    code = _code(body)
    if code is not None and code != 200 and not status.state.terminal:
        status = dataclasses.replace(
            status, state=TaskState.FAILED, fail_code=str(code), fail_message=_message(body)
        )
    task_id = status.task_id or callback_task_id(body) or ""
    return dataclasses.replace(status, task_id=task_id, raw=body)


def parse_veo_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Veo callback: ``data.info.resultUrls`` (4K variant: ``data.result_urls``)."""
    info = _info(body)
    found = f.urls(info.get("resultUrls"), info.get("result_urls"), _data(body).get("result_urls"))
    return _dedicated(body, found)


def parse_runway_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Runway callback: ``data.task_id`` and ``data.video_url``."""
    data = _data(body)
    return _dedicated(body, f.urls(data.get("video_url"), data.get("videoUrl")))


def parse_luma_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Luma callback: ``data.resultUrls``."""
    return _dedicated(body, f.urls(_data(body).get("resultUrls")))


def parse_suno_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Suno callback: ``callbackType`` text|first are stages; only ``complete`` is final."""
    data = _data(body)
    stage = str(data.get("callbackType", "")).lower() in ("text", "first")
    tracks = [t for t in f.items(data.get("data")) if isinstance(t, Mapping)]
    found = f.urls([t.get("audio_url") or t.get("audioUrl") for t in tracks])
    return _dedicated(body, found, running=stage)


def parse_midjourney_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Midjourney callback: ``data.resultUrls`` (strings or ``{resultUrl}`` objects)."""
    entries = f.items(_data(body).get("resultUrls"))
    found = f.urls([e.get("resultUrl") if isinstance(e, Mapping) else e for e in entries])
    return _dedicated(body, found)


def parse_gpt4o_image_callback(body: Mapping[str, Any]) -> TaskStatus:
    """4o Image callback: ``data.info.result_urls``."""
    info = _info(body)
    return _dedicated(body, f.urls(info.get("result_urls"), info.get("resultUrls")))


def parse_flux_kontext_callback(body: Mapping[str, Any]) -> TaskStatus:
    """Flux Kontext callback: ``data.info.resultImageUrl``."""
    return _dedicated(body, f.urls(_info(body).get("resultImageUrl")))


CALLBACK_PARSERS: Mapping[ApiFamily, CallbackParser] = MappingProxyType(
    {
        ApiFamily.MARKET: parse_market_callback,
        ApiFamily.VEO: parse_veo_callback,
        ApiFamily.RUNWAY: parse_runway_callback,
        ApiFamily.LUMA: parse_luma_callback,
        ApiFamily.SUNO: parse_suno_callback,
        ApiFamily.MIDJOURNEY: parse_midjourney_callback,
        ApiFamily.GPT4O_IMAGE: parse_gpt4o_image_callback,
        ApiFamily.FLUX_KONTEXT: parse_flux_kontext_callback,
    }
)


def parse_callback(family: ApiFamily, body: Mapping[str, Any]) -> TaskStatus:
    """Parse a callback body with the parser of ``family``; never raises."""
    if not isinstance(body, Mapping):
        raw: Mapping[str, Any] = {"body": body}
        return TaskStatus(task_id="", state=TaskState.FAILED, fail_message=_NOT_AN_OBJECT, raw=raw)
    return CALLBACK_PARSERS[ApiFamily(family)](body)
