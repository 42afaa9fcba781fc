"""Delivers results and failures to Telegram chats (the jobs' Delivery port)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaLivePhoto,
    InputMediaPhoto,
    InputMediaVideo,
)
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot.callbacks import Go, Nav
from kiegram.catalog import Catalog
from kiegram.i18n import Translator
from kiegram.jobs import Job, ResultFile

log = logging.getLogger(__name__)
MediaItem = (
    InputMediaAudio | InputMediaDocument | InputMediaLivePhoto | InputMediaPhoto | InputMediaVideo
)
CAPTION_LIMIT = 1000


class TelegramDelivery:
    """Sends each result by kind, with a caption and repeat / menu buttons."""

    def __init__(self, bot: Bot, translator: Translator, catalog: Catalog) -> None:
        self.bot = bot
        self.translator = translator
        self.catalog = catalog

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Photos (plus originals as documents), video, audio, text, or links."""
        caption = self._caption(job)
        markup = self._buttons(job)
        try:
            await self._send_all(job, files, caption)
            await self.bot.send_message(
                job.chat_id, self._t(job, "delivery.done"), reply_markup=markup
            )
        except TelegramForbiddenError:
            log.info("user %s blocked the bot; job %s result kept", job.user_id, job.id)

    async def _send_all(self, job: Job, files: list[ResultFile], caption: str) -> None:
        photos = [f for f in files if f.kind == "image" and f.data is not None]
        if len(photos) > 1:
            media: list[MediaItem] = [
                InputMediaPhoto(
                    media=BufferedInputFile(p.data or b"", p.filename),
                    caption=caption if i == 0 else None,
                )
                for i, p in enumerate(photos[:10])
            ]
            await self.bot.send_media_group(job.chat_id, media)
        for item in files:
            await self._send_one(job, item, caption, grouped=len(photos) > 1)

    async def _send_one(self, job: Job, item: ResultFile, caption: str, grouped: bool) -> None:
        chat = job.chat_id
        if item.kind == "text":
            await self.bot.send_message(chat, html.quote((item.data or b"").decode()[:4000]))
            return
        if item.data is None:
            link = self._t(job, "delivery.link", url=html.quote(item.url))
            await self.bot.send_message(chat, f"{caption}\n{link}")
            return
        upload = BufferedInputFile(item.data, item.filename)
        try:
            if item.kind == "image":
                if not grouped:
                    await self.bot.send_photo(chat, upload, caption=caption)
                await self.bot.send_document(chat, BufferedInputFile(item.data, item.filename))
            elif item.kind == "video":
                await self.bot.send_video(chat, upload, caption=caption)
            elif item.kind == "audio":
                await self.bot.send_audio(chat, upload, caption=caption)
            else:
                await self.bot.send_document(chat, upload, caption=caption)
        except TelegramForbiddenError:
            raise
        except TelegramAPIError:
            # Telegram refused the file (size, format): the link still works for a day.
            await self.bot.send_document(chat, upload, caption=caption)

    async def fail(self, job: Job) -> None:
        """Explain the failure in the user's language; the money came back."""
        key = f"delivery.error.{job.error_code or 'generation_failed'}"
        if not self.translator.has(key):
            key = "delivery.error.generation_failed"
        text = self._t(job, key, reason=html.quote(job.error_message or ""))
        try:
            await self.bot.send_message(job.chat_id, text, reply_markup=self._buttons(job))
        except TelegramForbiddenError:
            log.info("user %s blocked the bot; failure of job %s not shown", job.user_id, job.id)

    def _t(self, job: Job, key: str, **values: object) -> str:
        return self.translator(job.lang, key, **values)

    def _caption(self, job: Job) -> str:
        spec = self.catalog.get(job.model_id)
        name = spec.name.get(job.lang) if spec else job.model_id
        parts = [f"<b>{html.quote(name)}</b>"]
        prompt = job.payload.get("prompt") or job.payload.get("text")
        if isinstance(prompt, str) and prompt:
            parts.append(html.quote(prompt[:300]))
        return "\n".join(parts)[:CAPTION_LIMIT]

    def _buttons(self, job: Job) -> InlineKeyboardMarkup:
        spec = self.catalog.get(job.model_id)
        rows = []
        if spec is not None and spec.usable:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=self._t(job, "delivery.again"), callback_data=Go(code=spec.code).pack()
                    )
                ]
            )
        rows.append(
            [
                InlineKeyboardButton(
                    text=self._t(job, "bot.btn.menu"), callback_data=Nav(to="menu").pack()
                )
            ]
        )
        return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramMedia:
    """Resolves "tg:<file_id>" refs: downloads from Telegram, uploads to KIE (a MediaResolver)."""

    def __init__(self, bot: Bot, upload: object) -> None:
        self.bot = bot
        self.upload = upload

    async def resolve(self, ref: str) -> str:
        """A KIE URL for the ref; http(s) refs pass through."""
        if not ref.startswith("tg:"):
            return ref
        file_id = ref.removeprefix("tg:")
        info = await self.bot.get_file(file_id)
        buffer = await self.bot.download_file(info.file_path or "")
        if buffer is None:
            raise ValueError("empty download")
        name = (info.file_path or file_id).rsplit("/", 1)[-1]
        return str(await self.upload.upload_file(buffer.read(), name))  # type: ignore[attr-defined]
