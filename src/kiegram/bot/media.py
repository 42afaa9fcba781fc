"""What a Telegram message carries as wizard media references ("tg:<file_id>")."""

from __future__ import annotations

from aiogram.types import Message

from kiegram.wizard import MediaRef
from kiegram.wizard.media import guess_mime, kind_of


def media_refs(message: Message) -> list[MediaRef]:
    """The files of a message: a photo, an image sent as a file, video, audio or voice."""
    if message.photo:
        photo = message.photo[-1]
        return [MediaRef(f"tg:{photo.file_id}", "image", "image/jpeg", photo.file_size, None)]
    if message.document:
        doc = message.document
        mime = doc.mime_type or guess_mime(doc.file_name or "")
        kind = kind_of(mime) or "image"
        return [MediaRef(f"tg:{doc.file_id}", kind, mime, doc.file_size, doc.file_name)]
    for kind, item in (
        ("video", message.video),
        ("audio", message.audio),
        ("audio", message.voice),
        ("video", message.video_note),
    ):
        if item is not None:
            mime = getattr(item, "mime_type", None) or (
                "video/mp4" if kind == "video" else "audio/ogg"
            )
            name = getattr(item, "file_name", None)
            return [MediaRef(f"tg:{item.file_id}", kind, mime, item.file_size, name, item.duration)]
    return []
