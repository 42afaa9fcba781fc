"""Suno replies that carry text, not files: generated lyrics and timestamped lyrics.

Lyrics come back as several variants (``response.data[].title/text``); they are joined into
one ``result_text`` with ``PART_BREAK`` between variants, so each is delivered as its own
message. Timestamped lyrics come word by word (``alignedWords[].word/startS``, a word may
carry the line break); they are regrouped into lines, each with the second it starts at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiegram.kie import _fields as f
from kiegram.kie.status import TaskState, TaskStatus, build, not_an_object, suno_state

PART_BREAK = "\f"  # between lyrics variants in a result_text: one message each
NO_LYRICS = "KIE returned no lyrics for this track (an instrumental has none)"


def lyrics_text(variants: Sequence[Mapping[str, Any]]) -> str | None:
    """The finished variants as one text: a title line, a blank line, the lyrics."""
    parts = []
    for variant in variants:
        text = f.text(variant.get("text"))
        if text is None:
            continue
        title = f.text(variant.get("title"))
        parts.append(f"🎵 {title}\n\n{text.strip()}" if title else text.strip())
    return PART_BREAK.join(parts) if parts else None


def parse_suno_lyrics(data: Mapping[str, Any]) -> TaskStatus:
    """``lyrics/record-info`` data: ``status`` as Suno's, ``response.data[]`` the variants."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    variants = [
        v for v in f.items(f.mapping(data.get("response")).get("data")) if isinstance(v, Mapping)
    ]
    state = suno_state(data.get("status"))
    text = lyrics_text(variants) if state is TaskState.SUCCEEDED else None
    return build(
        data,
        state,
        result_text=text,
        fail_code=f.text(data.get("errorCode")),
        fail_message=f.first_text(data, "errorMessage", "msg", "message"),
    )


def clock(seconds: float) -> str:
    """0:07, 1:02, 12:40 (a track's minutes and seconds)."""
    whole = max(int(seconds), 0)
    return f"{whole // 60}:{whole % 60:02d}"


def _line(words: list[str], start: float | None) -> str:
    text = " ".join(words)
    if text.startswith("[") and text.endswith("]"):  # a section mark: [Verse], [Chorus]
        return text
    return f"{clock(start or 0.0)}  {text}"


def timed_lines(aligned: Sequence[Mapping[str, Any]]) -> list[str]:
    """Aligned words regrouped into lines, each led by the time its first word is sung."""
    lines: list[str] = []
    words: list[str] = []
    start: float | None = None
    for entry in aligned:
        raw = entry.get("word")
        if not isinstance(raw, str):
            continue
        at = f.number(entry.get("startS"))
        for n, piece in enumerate(raw.split("\n")):
            if n > 0 and words:
                lines.append(_line(words, start))
                words, start = [], None
            if piece.strip():
                if not words:
                    start = at
                words.append(piece.strip())
    if words:
        lines.append(_line(words, start))
    return lines


def parse_suno_timestamps(data: Mapping[str, Any]) -> TaskStatus:
    """``get-timestamped-lyrics`` data (answered at once): the aligned words as timed lines."""
    if not isinstance(data, Mapping):
        return not_an_object(data)
    aligned = [w for w in f.items(data.get("alignedWords")) if isinstance(w, Mapping)]
    lines = timed_lines(aligned)
    if not lines:
        return build(data, TaskState.FAILED, fail_code="no_lyrics", fail_message=NO_LYRICS)
    return build(data, TaskState.SUCCEEDED, result_text="\n".join(lines))
