"""A follow-up's own KIE endpoint (Veo 1080p, Midjourney upscale, Suno extend...)."""

from __future__ import annotations

from dataclasses import dataclass

# Words of KIE's "not ready yet" refusals of a repeated request ("4k is processing...").
_PENDING_HINTS = ("processing", "not ready", "generating", "in progress", "check back")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a follow-up is created and read when not at its family's generate/record-info.

    ``repeat``: KIE keeps no task of its own for it; the same request is sent again until it
    answers with the result, so reading the status is sending the create again.
    ``result``: the status parser (a family name or a follow-up parser); None = the family's.
    ``once``: a ``repeat`` request that acts each time it is sent (registers an Omni voice):
    the create sends nothing, the first status read sends it and gets the result.
    """

    create_path: str
    method: str = "POST"
    status_path: str | None = None
    result: str | None = None
    repeat: bool = False
    once: bool = False


def still_pending(message: str) -> bool:
    """True when KIE's refusal of a repeated request says the result is not ready yet."""
    lowered = message.lower()
    return any(hint in lowered for hint in _PENDING_HINTS)
