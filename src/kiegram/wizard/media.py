"""Checks files against a media input: kind, count, type and size; URLs typed as text."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from kiegram.catalog import InputKind, InputSpec, MediaKind, ModelSpec
from kiegram.wizard.answers import MediaRef
from kiegram.wizard.errors import InvalidAnswer
from kiegram.wizard.parse import is_http_url, listing, param_of, show
from kiegram.wizard.view import Msg, Text

OPAQUE_PREFIXES = ("tg:", "file:")
# The built-in table only: no system files are read, so results never depend on the host.
_TYPES = mimetypes.MimeTypes(filenames=())
# Types KIE's docs accept that the built-in table lacks on some Python versions (webp on 3.11).
for _mime, _ext in (
    ("image/webp", ".webp"),
    ("audio/ogg", ".ogg"),
    ("audio/mp4", ".m4a"),
    ("audio/flac", ".flac"),
    ("audio/aac", ".aac"),
    ("video/x-matroska", ".mkv"),
):
    _TYPES.add_type(_mime, _ext)
_ALIASES = {
    "image/jpg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "jpg": "jpeg",
    "qt": "mov",
}
_EXTRA_EXTENSIONS = {"video/quicktime": {"mov"}, "audio/mpeg": {"mp3"}, "audio/ogg": {"ogg"}}


def _norm(text: str) -> str:
    text = text.strip().lower().lstrip(".")
    return _ALIASES.get(text, text)


def guess_mime(name: str) -> str | None:
    """The MIME type a file or URL name suggests."""
    return _TYPES.guess_type(urlsplit(name).path or name)[0]


def kind_of(mime: str | None) -> str | None:
    """ "image", "video" or "audio" from a MIME type."""
    head = (mime or "").split("/")[0]
    return head if head in ("image", "video", "audio") else None


def _extensions(ref: MediaRef) -> set[str]:
    found: set[str] = set()
    if ref.mime:
        mime = _norm(ref.mime)
        found |= {_norm(e) for e in _TYPES.guess_all_extensions(mime)}
        found |= _EXTRA_EXTENSIONS.get(mime, set()) | {mime.split("/")[-1]}
    name = ref.name or urlsplit(ref.ref).path
    if "." in name.rsplit("/", 1)[-1]:
        found.add(_norm(name.rsplit(".", 1)[-1]))
    return found


def type_allowed(ref: MediaRef, file_types: Sequence[str]) -> bool:
    """True when the file's MIME type or extension is listed (or nothing is known)."""
    mime = _norm(ref.mime) if ref.mime else guess_mime(ref.name or urlsplit(ref.ref).path)
    extensions = _extensions(ref)
    if not file_types or (mime is None and not extensions):
        return True
    for allowed in (_norm(t) for t in file_types):
        if (
            "/" in allowed and mime is not None and _norm(mime) == allowed
        ) or allowed in extensions:
            return True
    return False


def check_ref(field: InputSpec, ref: MediaRef) -> None:
    """One file: a usable reference, the right kind, an allowed type and size."""
    if not (is_http_url(ref.ref) or ref.ref.startswith(OPAQUE_PREFIXES)):
        raise InvalidAnswer("wizard.err_bad_url", param=param_of(field))
    expected = field.media.value if field.media else None
    sent = ref.media or kind_of(ref.mime)
    if expected is not None and sent != expected:
        raise InvalidAnswer(
            "wizard.err_wrong_media",
            param=param_of(field),
            expected=media_word(expected),
            got=media_word(sent or "file"),
        )
    if not type_allowed(ref, field.file_types):
        raise InvalidAnswer(
            "wizard.err_file_type", param=param_of(field), allowed=listing(field.file_types)
        )
    if ref.size == 0:
        raise InvalidAnswer("wizard.err_file_empty", param=param_of(field))
    if field.max_file_mb is not None:
        check_size(field, [ref], field.max_file_mb)


def check_size(field: InputSpec, items: Sequence[MediaRef], limit_mb: float) -> None:
    """Every file whose size is known is within `limit_mb`."""
    for ref in items:
        size_mb = (ref.size or 0) / (1024 * 1024)
        if size_mb > limit_mb:
            raise InvalidAnswer(
                "wizard.err_file_too_big",
                param=param_of(field),
                limit=f"{limit_mb:g}",
                size=f"{size_mb:.1f}",
            )


def media_word(kind: str) -> Msg:
    """The translatable name of a media kind."""
    return Msg(
        f"wizard.media_{kind}" if kind in ("image", "video", "audio") else "wizard.media_file"
    )


def check_media(field: InputSpec, items: Sequence[MediaRef]) -> Any:
    """The JSON value to store: one ref dict for media, a list of them for media_list."""
    count = len(items)
    if field.kind is InputKind.MEDIA:
        if count > 1:
            raise InvalidAnswer("wizard.err_single_only", param=param_of(field), count=count)
    else:
        low = max(1, field.min_items or 1)
        if field.max_items is not None and count > field.max_items:
            raise InvalidAnswer(
                "wizard.err_too_many", param=param_of(field), limit=field.max_items, count=count
            )
        if count < low:
            raise InvalidAnswer("wizard.err_too_few", param=param_of(field), limit=low, count=count)
    if count == 0:
        raise InvalidAnswer("wizard.err_empty", param=param_of(field))
    for ref in items:
        check_ref(field, ref)
        _check_length(field, ref)
    _check_kinds(field, items)
    refs = [ref.to_json() for ref in items]
    return refs[0] if field.kind is InputKind.MEDIA else refs


def _check_length(field: InputSpec, ref: MediaRef) -> None:
    """A file whose length Telegram reports is as long as the input documents."""
    low, high, seconds = field.min_seconds, field.max_seconds, ref.duration
    if seconds is None or (low is None and high is None):
        return
    if (low is not None and seconds < low) or (high is not None and seconds > high):
        key = "elements.err_seconds_range" if low and high else "elements.err_seconds_min"
        if low is None:
            key = "elements.err_seconds_max"
        raise InvalidAnswer(
            key, param=param_of(field), min=show(low), max=show(high), seconds=f"{seconds:g}"
        )


def _check_kinds(field: InputSpec, items: Sequence[MediaRef]) -> None:
    """A list of mixed kinds: files of one kind, as many as that kind takes."""
    counts = field.media_counts
    if not counts:
        return
    kinds = sorted({ref.media for ref in items})
    if len(kinds) > 1 or kinds[0] not in counts:
        raise InvalidAnswer(
            "elements.err_media_mixed", param=param_of(field), allowed=media_counts_text(field)
        )
    bound = counts[MediaKind(kinds[0])]
    count = len(items)
    if count < bound.min or (bound.max is not None and count > bound.max):
        raise InvalidAnswer(
            "elements.err_media_count", param=param_of(field), allowed=media_counts_text(field)
        )
    if bound.max_file_mb is not None:
        check_size(field, items, bound.max_file_mb)


def media_counts_text(field: InputSpec) -> Text:
    """What a list of mixed kinds takes: "2–4 photos or 1 video"."""
    parts: list[Text] = []
    for kind, bound in field.media_counts.items():
        low, high = bound.min, bound.max
        many = f"{low}+" if high is None else f"{low}–{high}"
        count = str(low) if low == high else many
        parts.append(Msg(f"elements.count_{kind.value}", {"n": count}))
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = Msg("shapes.join_alt", {"head": part, "tail": out})
    return out


def check_seconds(spec: ModelSpec, field: InputSpec, items: Sequence[MediaRef]) -> None:
    """Files priced per second may not be longer than the model's documented limit."""
    cost = spec.cost
    if cost is None or cost.per_media_seconds != field.name or cost.max_seconds is None:
        return
    known = [ref.duration for ref in items if ref.duration is not None]
    total = sum(known)
    if total > cost.max_seconds:
        raise InvalidAnswer(
            "wizard.err_media_too_long",
            param=param_of(field),
            limit=f"{cost.max_seconds:g}",
            seconds=f"{total:g}",
        )


def refs_from_text(field: InputSpec, raw: str) -> list[MediaRef]:
    """Typed URLs (separated by spaces or new lines) as refs of the input's media kind."""
    refs = []
    for word in raw.split():
        if not is_http_url(word):
            raise InvalidAnswer("wizard.err_bad_url", param=param_of(field))
        mime = guess_mime(word)
        kind = kind_of(mime) or (field.media.value if field.media else "image")
        refs.append(MediaRef(ref=word, media=kind, mime=mime, name=None))
    return refs


def stored_count(value: Mapping[str, Any] | list[Any] | None) -> int:
    """How many files a stored media value holds."""
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1
