"""Results as Telegram keeps them: the file id of each sent result, and sending them again."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InputMediaPhoto, Message

from kiegram.storage.result_files import KeptFile


def kept_of(message: Message, index: int) -> KeptFile | None:
    """The file a sent message carries, as result ``index`` (None for a text message)."""
    if message.photo:
        return KeptFile(index, "photo", message.photo[-1].file_id)
    for kind in ("video", "audio", "voice", "document"):
        item = getattr(message, kind)
        if item is not None:
            return KeptFile(index, kind, str(item.file_id))
    return None


async def resend(bot: Bot, chat_id: int, files: list[KeptFile], caption: str) -> None:
    """Send kept results again by file id: photos as one album, the others one by one."""
    photos = [f for f in files if f.kind == "photo"]
    if len(photos) > 1:
        media = [
            InputMediaPhoto(media=p.file_id, caption=caption if i == 0 else None)
            for i, p in enumerate(photos[:10])
        ]
        await bot.send_media_group(chat_id, list(media))
    elif photos:
        await bot.send_photo(chat_id, photos[0].file_id, caption=caption)
    for item in files:
        if item.kind == "video":
            await bot.send_video(chat_id, item.file_id, caption=caption)
        elif item.kind == "audio":
            await bot.send_audio(chat_id, item.file_id, caption=caption)
        elif item.kind == "voice":
            await bot.send_voice(chat_id, item.file_id, caption=caption)
        elif item.kind == "document":
            await bot.send_document(chat_id, item.file_id, caption=caption)
