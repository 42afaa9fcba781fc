"""The sandbox's follow-up endpoints: each checks that the parent is a task it knows.

A follow-up's body names an earlier task (``taskId``), one of its results (an index, an
audio id, a URL) or copies one of its inputs; KIE refuses what it did not make, so does this.
Repeat endpoints (Veo 1080p/4K) answer the same request until the result is ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from kiegram.catalog.kinds import ApiFamily, InputKind, OutputKind, ParentPart
from kiegram.catalog.spec import InputSpec, ModelSpec
from kiegram.sandbox.tasks import SEGMENT_MAP, SEGMENT_NAMES, TRACK_SECONDS, SandboxTask

NOT_FOUND = "The parent task does not exist or is not finished"
PROCESSING = "4k is processing. It should be ready in 5-10 minutes. Please check back shortly."

Tasks = Mapping[str, SandboxTask]


def item_ids(task: SandboxTask) -> list[str]:
    """The per-result ids the sandbox gives a task (Suno's audio ids)."""
    return [f"{task.task_id}-{i}" for i in range(len(task.result_urls))]


def _finished(task: SandboxTask | None, models: tuple[str, ...]) -> bool:
    return (
        task is not None
        and task.model in models
        and task.done(time.monotonic())
        and not task.fail
        and bool(task.result_urls)
    )


def _parent_task(tasks: Tasks, spec: ModelSpec, payload: Mapping[str, Any]) -> SandboxTask | None:
    """The parent named by a task-id reference, else the one owning an item id or URL."""
    for field in spec.task_refs:
        ref, value = field.parent, payload.get(field.name)
        if ref is None or value is None:
            continue
        if ref.take is ParentPart.TASK_ID:
            return tasks.get(str(value))
        if ref.take is ParentPart.ITEM_ID:
            return next((t for t in tasks.values() if value in item_ids(t)), None)
        if ref.take is ParentPart.ITEM_IDS and isinstance(value, list) and value:
            return next((t for t in tasks.values() if value[0] in item_ids(t)), None)
        if ref.take is ParentPart.URL:
            return next((t for t in tasks.values() if value in t.result_urls), None)
    for field in spec.task_refs:
        ref, value = field.parent, payload.get(field.name)
        if ref is not None and value is not None and ref.take is ParentPart.INPUT:
            # A copied input: the newest finished parent whose own input had this value.
            found = [
                t
                for t in tasks.values()
                if t.model in ref.models and _input_of(t, ref.input) == value
            ]
            return max(found, key=lambda t: t.created, default=None)
    return None


def _input_of(task: SandboxTask, name: str) -> Any:
    body = task.request.get("input")
    return (body if isinstance(body, Mapping) else task.request).get(name)


def _known_ids(field: InputSpec, value: Any, tasks: Tasks) -> bool:
    """A list of 1 to `max_items` ids, each an item of a finished task of the parent models."""
    ref = field.parent
    if ref is None or not isinstance(value, list) or not value:
        return False
    if field.max_items is not None and len(value) > field.max_items:
        return False
    return all(
        any(v in item_ids(t) and _finished(t, ref.models) for t in tasks.values()) for v in value
    )


def _item_problem(field: InputSpec, value: Any, task: SandboxTask, tasks: Tasks) -> str | None:
    ref = field.parent
    if ref is None:
        return None
    count = len(task.result_urls)
    if ref.take is ParentPart.INDEX and not (isinstance(value, int) and 0 <= value < count):
        return f"{field.name} must be 0-{count - 1}"
    if ref.take is ParentPart.NUMBER and not (isinstance(value, int) and 1 <= value <= count):
        return f"{field.name} must be 1-{count}"
    if ref.take is ParentPart.ITEM_ID and value not in item_ids(task):
        return f"{field.name} is not an audio of the task"
    if ref.take is ParentPart.ITEM_IDS and not _known_ids(field, value, tasks):
        return f"{field.name} must list ids of {', '.join(ref.models)} results"
    if ref.take is ParentPart.URL and value not in task.result_urls:
        return f"{field.name} is not a result of the task"
    if ref.take is ParentPart.SEGMENT and not (
        isinstance(value, list)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < count for v in value)
    ):
        return f"{field.name} must list segment indexes of the segment map (0-{count - 1})"
    return None


def parent_problem(tasks: Tasks, spec: ModelSpec, payload: Mapping[str, Any]) -> str | None:
    """Why KIE would refuse a follow-up's parent references, or None (also when a model's
    only references are optional and none is given: Gemini Omni without a voice)."""
    given = [i for i in spec.task_refs if payload.get(i.name) is not None]
    if not given and not any(i.required for i in spec.task_refs):
        return None
    # The parent is the one the first given reference names (_parent_task's order).
    first = given[0] if given else spec.task_refs[0]
    models = first.parent.models if first.parent is not None else ()
    task = _parent_task(tasks, spec, payload)
    if not _finished(task, models):
        return NOT_FOUND
    assert task is not None
    for field in spec.task_refs:
        value = payload.get(field.name)
        if value is None:
            if field.required:
                return f"{field.name} is required"
            continue
        problem = _item_problem(field, value, task, tasks)
        if problem is not None:
            return problem
    return _length_problem(spec, payload, task)


def _length_problem(spec: ModelSpec, payload: Mapping[str, Any], task: SandboxTask) -> str | None:
    """Seconds beyond the parent track, or a section over its share of it (Suno replace)."""
    if task.family is not ApiFamily.SUNO:
        return None
    for field in spec.inputs:
        value = payload.get(field.name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if field.within_parent and value > TRACK_SECONDS:
            return f"{field.name} is beyond the track's {TRACK_SECONDS:g} s"
        rule = field.above
        other = payload.get(rule.input) if rule is not None else None
        if rule is None or rule.max_parent_share is None or not isinstance(other, int | float):
            continue
        if value - other > rule.max_parent_share * TRACK_SECONDS + 1e-9:
            return f"the section exceeds {rule.max_parent_share:.0%} of the track"
    return None


def sharing_spec(
    tasks: Tasks, specs: tuple[ModelSpec, ...], payload: Mapping[str, Any]
) -> ModelSpec:
    """Which of the models sharing one endpoint a body is for: the follow-up whose parent
    references name a task of ours, else the model of its own (an uploaded file)."""
    for spec in specs:
        if spec.task_refs and _parent_task(tasks, spec, payload) is not None:
            return spec
    return next((s for s in specs if not s.task_refs), specs[0])


def result_count(spec: ModelSpec, payload: Mapping[str, Any]) -> int:
    """How many results a task of the model gives: a Midjourney grid 4, a Suno song 2, a
    Midjourney video `videoBatchSize` (KIE's default 1)."""
    endpoint = spec.endpoint
    if spec.id == SEGMENT_MAP:
        return len(SEGMENT_NAMES)
    if spec.api is ApiFamily.MIDJOURNEY and spec.output_for(payload) is OutputKind.VIDEO:
        batch = payload.get("videoBatchSize", 1)
        return min(batch, 4) if isinstance(batch, int) and batch > 0 else 1
    if spec.api is ApiFamily.MIDJOURNEY:
        one = endpoint is not None and ("Upscale" in endpoint.create or "Video" in endpoint.create)
        return 1 if one else 4
    if spec.api is ApiFamily.SUNO:
        if endpoint is not None and endpoint.result == "suno-stems":
            return 4 if "stem" in spec.id else 2
        if endpoint is not None and endpoint.result == "suno-cover":
            return 2  # "usually generates 2 different style images"
        return 1 if endpoint is not None and endpoint.result else 2
    return 1


def is_task_ref(field: InputSpec) -> bool:
    """True for an input filled from an earlier generation."""
    return field.kind is InputKind.TASK_REF


def _wav(task: SandboxTask, done: bool) -> dict[str, Any]:
    flag = "PENDING" if not done else "GENERATE_WAV_FAILED" if task.fail else "SUCCESS"
    url = task.result_urls[0] if task.result_urls else None
    return {
        "taskId": task.task_id,
        "musicId": task.request.get("audioId"),
        "successFlag": flag,
        "response": {"audioWavUrl": url} if flag == "SUCCESS" else None,
        "errorCode": 501 if flag == "GENERATE_WAV_FAILED" else None,
        "errorMessage": "Generation failed" if flag == "GENERATE_WAV_FAILED" else None,
    }


def _stems(task: SandboxTask, done: bool) -> dict[str, Any]:
    flag = "PENDING" if not done else "GENERATE_AUDIO_FAILED" if task.fail else "SUCCESS"
    names = ("vocalUrl", "instrumentalUrl", "drumsUrl", "bassUrl")
    stems = dict(zip(names, task.result_urls, strict=False))
    return {
        "taskId": task.task_id,
        "musicId": task.request.get("audioId"),
        "successFlag": flag,
        "response": {"originUrl": None, **stems} if flag == "SUCCESS" else None,
        "errorCode": 501 if task.fail and done else None,
        "errorMessage": "Generation failed" if task.fail and done else None,
    }


def _mp4(task: SandboxTask, done: bool) -> dict[str, Any]:
    data = _wav(task, done)
    flag = "GENERATE_MP4_FAILED" if data["successFlag"] == "GENERATE_WAV_FAILED" else None
    url = task.result_urls[0] if task.result_urls else None
    response = {"videoUrl": url} if data["successFlag"] == "SUCCESS" else None
    return {**data, "successFlag": flag or data["successFlag"], "response": response}


def _cover(task: SandboxTask, done: bool) -> dict[str, Any]:
    """suno/cover/record-info: successFlag 0 pending, 1 success, 3 failed; two images."""
    flag = 0 if not done else 3 if task.fail else 1
    return {
        "taskId": task.task_id,
        "parentTaskId": task.request.get("taskId"),
        "response": {"images": list(task.result_urls)} if flag == 1 else None,
        "successFlag": flag,
        "errorCode": 501 if flag == 3 else 200,
        "errorMessage": "Generation failed" if flag == 3 else "",
    }


def lyrics_variants(task: SandboxTask) -> list[dict[str, str]]:
    """Two takes of lyrics on the request's idea, with titles, as KIE's lyrics/record-info."""
    idea = str(task.request.get("prompt") or "a song")
    verse = "\n".join(f"Line {n} of a song about {idea}" for n in range(1, 5))
    chorus = f"Oh {idea},\nsing it again tonight"
    text = f"[Verse]\n{verse}\n\n[Chorus]\n{chorus}"
    return [
        {"text": text, "title": f"{title} ({task.task_id[-6:]})", "status": "complete"}
        for title in ("Night City", "After the Rain")
    ]


def _lyrics(task: SandboxTask, done: bool) -> dict[str, Any]:
    status = "PENDING" if not done else "GENERATE_LYRICS_FAILED" if task.fail else "SUCCESS"
    variants = lyrics_variants(task) if status == "SUCCESS" else []
    return {
        "taskId": task.task_id,
        "param": task.param,
        "response": {"taskId": task.task_id, "data": [{**v, "errorMessage": ""} for v in variants]},
        "status": status,
        "type": "LYRICS",
        "errorCode": 501 if task.fail and done else None,
        "errorMessage": "Generation failed" if task.fail and done else None,
    }


def aligned_words(parent: SandboxTask) -> list[dict[str, Any]]:
    """get-timestamped-lyrics' words of a track: none for an instrumental, as KIE says."""
    if parent.request.get("instrumental") is True:
        return []
    words = ["[Verse]\nCity", "lights", "are", "calling\nI", "walk", "alone\n[Chorus]\nSing"]
    return [
        {"word": w, "success": True, "startS": 1.5 + 2.2 * n, "endS": 3.4 + 2.2 * n, "palign": 0}
        for n, w in enumerate(words)
    ]


def timestamps(tasks: Tasks, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The answer of get-timestamped-lyrics for a checked parent (taskId + audioId)."""
    parent = tasks[str(payload.get("taskId"))]
    words = aligned_words(parent)
    waveform = [0.0, 1.0, 0.5, 0.75] if words else []
    return {"alignedWords": words, "waveformData": waveform, "hootCer": 0.38, "isStreamed": False}


def persona(tasks: Tasks, payload: Mapping[str, Any]) -> dict[str, Any]:
    """generate-persona's answer for a checked parent: the new persona's id, name and
    description, at once (KIE: one persona per audio id)."""
    return {
        "personaId": f"persona-{payload.get('audioId')}",
        "name": payload.get("name"),
        "description": payload.get("description"),
    }


# Follow-ups KIE answers in the create request itself (no task): their answer's builder.
ANSWERED_AT_ONCE: dict[str, Callable[[Tasks, Mapping[str, Any]], dict[str, Any]]] = {
    "suno-timestamps": timestamps,
    "suno-persona": persona,
}


# Status bodies of follow-up record-info paths that differ from their family's.
FOLLOWUP_STATUS: dict[str, Callable[[SandboxTask, bool], dict[str, Any]]] = {
    "suno-wav": _wav,
    "suno-stems": _stems,
    "suno-mp4": _mp4,
    "suno-cover": _cover,
    "suno-lyrics": _lyrics,
}
