"""Status parsers of follow-up endpoints whose replies differ from their family's record-info."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from kiegram.kie import _fields as f
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.lyrics_status import parse_suno_lyrics, parse_suno_timestamps
from kiegram.kie.status import (
    STATUS_PARSERS,
    StatusParser,
    TaskState,
    TaskStatus,
    build,
    not_an_object,
    suno_state,
)


def parse_veo_1080p(data: Mapping[str, Any]) -> TaskStatus:
    """``get-1080p-video`` data: ``resultUrl`` once ready (a refusal meanwhile)."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    found = f.urls(data.get("resultUrl"), data.get("resultUrls"))
    return build(data, TaskState.SUCCEEDED if found else TaskState.RUNNING, found)


def parse_veo_4k(data: Mapping[str, Any]) -> TaskStatus:
    """``get-4k-video`` data: ``resultUrls`` (or ``info.resultUrls``) once ready."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    info = f.mapping(data.get("info"))
    found = f.urls(data.get("resultUrls"), info.get("resultUrls"), data.get("result_urls"))
    return build(data, TaskState.SUCCEEDED if found else TaskState.RUNNING, found)


def parse_omni_audio(data: Mapping[str, Any]) -> TaskStatus:
    """``omni/audio/create`` data (answered at once): the voice's ``audioId`` and its name."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    # The page says data.audioId; some integrations read kieAudioId, so both are taken.
    audio_id = f.first_text(data, "audioId", "kieAudioId", "audio_id")
    if audio_id is None:
        return build(data, TaskState.FAILED, fail_message="KIE returned no audioId")
    name = f.text(data.get("name"))
    shown = f"{name} · {audio_id}" if name else audio_id
    return build(data, TaskState.SUCCEEDED, result_text=shown, result_ids=(audio_id,))


def parse_omni_character(data: Mapping[str, Any]) -> TaskStatus:
    """``omni/character/create`` data (answered at once): the ``characterId`` and its name."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    character_id = f.first_text(data, "characterId", "character_id")
    if character_id is None:
        return build(data, TaskState.FAILED, fail_message="KIE returned no characterId")
    name = f.text(data.get("characterName"))
    shown = f"{name} · {character_id}" if name else character_id
    return build(data, TaskState.SUCCEEDED, result_text=shown, result_ids=(character_id,))


def parse_suno_wav(data: Mapping[str, Any]) -> TaskStatus:
    """``wav/record-info`` data: ``successFlag`` as a Suno status, ``response.audioWavUrl``."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    found = f.urls(f.mapping(data.get("response")).get("audioWavUrl"))
    return build(
        data,
        suno_state(data.get("successFlag")),
        found,
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
    )


def parse_suno_mp4(data: Mapping[str, Any]) -> TaskStatus:
    """``mp4/record-info`` data: ``successFlag`` as a Suno status, ``response.videoUrl``."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    return build(
        data,
        suno_state(data.get("successFlag")),
        f.urls(f.mapping(data.get("response")).get("videoUrl")),
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
    )


def _cover_state(flag: object) -> TaskState:
    """``successFlag`` of suno/cover/record-info: 0 pending, 1 success, 2 generating, 3 failed
    (the page's numbers), or a Suno status name (SUCCESS, GENERATE_COVER_FAILED...)."""
    number = f.integer(flag) if not isinstance(flag, str) else None
    if number is None:
        return suno_state(flag)
    return {1: TaskState.SUCCEEDED, 3: TaskState.FAILED}.get(number, TaskState.RUNNING)


def parse_suno_cover(data: Mapping[str, Any]) -> TaskStatus:
    """``suno/cover/record-info`` data: the cover images at ``response.images``."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    state = _cover_state(data.get("successFlag"))
    failed = state is TaskState.FAILED
    return build(
        data,
        state,
        f.urls(f.mapping(data.get("response")).get("images")),
        fail_code=f.text(data.get("errorCode")) if failed else None,
        fail_message=f.first_text(data, "errorMessage", "msg", "message") if failed else None,
    )


def parse_suno_persona(data: Mapping[str, Any]) -> TaskStatus:
    """``generate-persona`` data (answered at once): the new persona's id and name, as a text
    to copy into a later Suno request's personaId."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    persona = f.text(data.get("personaId"))
    if persona is None:
        return build(data, TaskState.FAILED, fail_message="KIE returned no persona id")
    name = f.text(data.get("name")) or ""
    return build(data, TaskState.SUCCEEDED, result_text=f"🎭 {name}\npersonaId: {persona}")


# The stems of vocal-removal/record-info, in the docs' order (originUrl is the input mix).
STEMS = (
    "vocalUrl",
    "instrumentalUrl",
    "backingVocalsUrl",
    "drumsUrl",
    "bassUrl",
    "guitarUrl",
    "pianoUrl",
    "keyboardUrl",
    "percussionUrl",
    "stringsUrl",
    "synthUrl",
    "fxUrl",
    "brassUrl",
    "woodwindsUrl",
)


def parse_suno_stems(data: Mapping[str, Any]) -> TaskStatus:
    """``vocal-removal/record-info`` data: every stem URL the separation returned."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    response = f.mapping(data.get("response"))
    return build(
        data,
        suno_state(data.get("successFlag")),
        f.urls(*(response.get(name) for name in STEMS)),
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
    )


FOLLOWUP_PARSERS: Mapping[str, StatusParser] = MappingProxyType(
    {
        "veo-1080p": parse_veo_1080p,
        "veo-4k": parse_veo_4k,
        "suno-wav": parse_suno_wav,
        "suno-stems": parse_suno_stems,
        "suno-mp4": parse_suno_mp4,
        "suno-cover": parse_suno_cover,
        "suno-persona": parse_suno_persona,
        "suno-lyrics": parse_suno_lyrics,
        "suno-timestamps": parse_suno_timestamps,
        "omni-audio": parse_omni_audio,
        "omni-character": parse_omni_character,
    }
)


def parser_for(family: ApiFamily, result: str | None) -> StatusParser:
    """The parser named ``result`` (a follow-up's or a family's), else the family's own."""
    if result:
        if result in FOLLOWUP_PARSERS:
            return FOLLOWUP_PARSERS[result]
        return STATUS_PARSERS[ApiFamily(result)]
    return STATUS_PARSERS[ApiFamily(family)]
