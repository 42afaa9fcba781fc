"""Gemini Omni's voice presets and characters in the sandbox: answered at once, each one a
finished task whose one item id is the voice's `audioId` or the character's `characterId`
(what gemini-omni-video's `audio_ids` and `character_ids` name)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

from kiegram.catalog.spec import ModelSpec
from kiegram.sandbox.followups import item_ids
from kiegram.sandbox.tasks import SandboxTask

OMNI_AUDIO = "omni-audio"  # the catalog's result parser name of the voice endpoint
OMNI_CHARACTER = "omni-character"  # ... and of the character endpoint


def create_voice(
    tasks: dict[str, SandboxTask], spec: ModelSpec, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """Register a voice as KIE does (a new one per request) and answer its data."""
    task = _registered(tasks, spec, payload, "voice")
    return {"audioId": item_ids(task)[0], "name": payload.get("name")}


def create_character(
    tasks: dict[str, SandboxTask], spec: ModelSpec, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """Register a character as KIE does (a new one per request) and answer its data: its id,
    a name KIE gives it and the portrait it keeps."""
    task = _registered(tasks, spec, payload, "character")
    urls = payload.get("image_urls") or [""]
    return {
        "characterId": item_ids(task)[0],
        "characterName": f"character_{task.task_id[-6:]}",
        "imageUrl": urls[0],
    }


def _registered(
    tasks: dict[str, SandboxTask], spec: ModelSpec, payload: Mapping[str, Any], kind: str
) -> SandboxTask:
    task = SandboxTask(
        task_id=f"sandbox_{kind}_{uuid.uuid4().hex}",
        family=spec.api,
        model=spec.id,
        request=dict(payload),
        output=spec.output.value,
        created=time.monotonic(),
        delay=0.0,
        credits=0.0,
    )
    task.result_urls.append(f"{kind}:{task.task_id}")  # no file: the item only carries the id
    tasks[task.task_id] = task
    return task
