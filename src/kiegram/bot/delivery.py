"""Delivers results and failures to Telegram chats (the jobs' Delivery port)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

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
    Message,
)
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import followups, lyrics
from kiegram.bot.callbacks import JobAct, Nav
from kiegram.bot.kept import kept_of
from kiegram.bot.prefill import text_step
from kiegram.bot.progress import Progress, Stage
from kiegram.bot.render import Renderer
from kiegram.bot.reuse_files import reuse_rows
from kiegram.bot.text_parts import text_parts
from kiegram.catalog import Catalog, ModelSpec
from kiegram.i18n import Translator
from kiegram.jobs import Job, JobState, ResultFile
from kiegram.jobs.errors import MediaUnavailable
from kiegram.storage.result_files import KeptFile, SqlResultFiles
from kiegram.wizard.display import value_text

log = logging.getLogger(__name__)
MediaItem = (
    InputMediaAudio | InputMediaDocument | InputMediaLivePhoto | InputMediaPhoto | InputMediaVideo
)
CAPTION_LIMIT = 1000
PROMPT_SHOWN = 300
SETTINGS_SHOWN = 8


class TelegramDelivery:
    """Sends each result by kind, with a caption and repeat / menu buttons."""

    def __init__(
        self,
        bot: Bot,
        translator: Translator,
        catalog: Catalog,
        progress: Progress | None = None,
        sends: SentSteps | None = None,
        kept: SqlResultFiles | None = None,
    ) -> None:
        self.bot = bot
        self.translator = translator
        self.catalog = catalog
        self.progress = progress
        self.sends = sends
        self.kept = kept  # the sent files' ids, for /history to send them again

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Photos (plus originals as documents), video, audio, text, or links.

        Each message is recorded once Telegram accepted it (`sends`), so a delivery that a
        crash interrupted sends only the messages still missing.
        """
        caption = self._caption(job)
        markup = self._buttons(job)
        steps = _Steps(job.id, self.sends, await self.sends.sent(job.id) if self.sends else set())
        try:
            if self.progress is not None:
                await self.progress.delivering(job)
            sent = await self._send_all(job, files, caption, steps)
            if self.kept is not None and sent:
                await self.kept.put(job.id, sent)
            if self.progress is not None:
                await self.progress.finish(job, Stage.DONE)
            text = self._t(job, "delivery.done")
            await steps.once("done", self.bot.send_message(job.chat_id, text, reply_markup=markup))
        except TelegramForbiddenError:
            log.info("user %s blocked the bot; job %s result kept", job.user_id, job.id)

    async def _send_all(
        self, job: Job, files: list[ResultFile], caption: str, steps: _Steps
    ) -> list[KeptFile]:
        """Send every result not sent yet; the file ids Telegram gave them, by result index
        (a message sent before a restart is not among them: /history falls back to links)."""
        photos = [(i, f) for i, f in enumerate(files) if f.kind == "image" and f.data is not None]
        sent: list[tuple[int, object]] = []
        if len(photos) > 1:
            media: list[MediaItem] = [
                InputMediaPhoto(
                    media=BufferedInputFile(p.data or b"", p.filename),
                    caption=caption if n == 0 else None,
                )
                for n, (_i, p) in enumerate(photos[:10])
            ]
            album = await steps.once("group", self.bot.send_media_group(job.chat_id, media))
            if isinstance(album, list):
                sent += [(i, message) for (i, _p), message in zip(photos, album, strict=False)]
        for index, item in enumerate(files):
            one = await self._send_one(job, item, caption, len(photos) > 1, steps.of(index))
            sent += [(index, one)] if one is not None else []
        return [k for i, m in sent if isinstance(m, Message) and (k := kept_of(m, i)) is not None]

    async def _send_one(
        self, job: Job, item: ResultFile, caption: str, grouped: bool, steps: _Steps
    ) -> object:
        """Send one result; the message showing it (None for text, links, grouped photos
        and what was sent before)."""
        chat = job.chat_id
        if item.kind == "text":
            # Lyrics come as several takes, a transcript may be long: each part its own message.
            for n, part in enumerate(text_parts((item.data or b"").decode())):
                step = "text" if n == 0 else f"text.{n}"
                await steps.once(step, self.bot.send_message(chat, part))
            return None
        if item.data is None:
            link = self._t(job, "delivery.link", url=html.quote(item.url))
            await steps.once("link", self.bot.send_message(chat, f"{caption}\n{link}"))
            return None
        if item.kind == "image":
            shown = None
            if not grouped:
                shown = await steps.once("photo", self._upload(chat, item, caption, "photo"))
            await steps.once("file", self.bot.send_document(chat, _file(item)))
            return shown
        return await steps.once("file", self._upload(chat, item, caption, item.kind))

    async def _upload(self, chat: int, item: ResultFile, caption: str, kind: str) -> object:
        upload = _file(item)
        try:
            if kind == "photo":
                return await self.bot.send_photo(chat, upload, caption=caption)
            if kind == "video":
                return await self.bot.send_video(chat, upload, caption=caption)
            if kind == "audio":
                return await self.bot.send_audio(chat, upload, caption=caption)
            return await self.bot.send_document(chat, upload, caption=caption)
        except TelegramForbiddenError:
            raise
        except TelegramAPIError:
            # Telegram refused the file (size, format): the link still works for a day.
            return await self.bot.send_document(chat, _file(item), caption=caption)

    async def fail(self, job: Job) -> None:
        """Explain the failure in the user's language; the money came back."""
        code = job.error_code or "generation_failed"
        # A failure after a crash or restart (`recovery.*`) is told apart from KIE's own.
        keys = (f"recovery.{code}", f"delivery.error.{code}", "delivery.error.generation_failed")
        key = next(k for k in keys if self.translator.has(k) or k == keys[-1])
        text = self._t(job, key, reason=html.quote(job.error_message or ""))
        try:
            if self.progress is not None:
                await self.progress.finish(job, Stage.FAILED)
            await self.bot.send_message(job.chat_id, text, reply_markup=self._buttons(job))
        except TelegramForbiddenError:
            log.info("user %s blocked the bot; failure of job %s not shown", job.user_id, job.id)

    def _t(self, job: Job, key: str, **values: object) -> str:
        return self.translator(job.lang, key, **values)

    def _caption(self, job: Job) -> str:
        spec = self.catalog.get(job.model_id)
        if spec is None:
            return f"<b>{html.quote(job.model_id)}</b>"
        return caption(spec, job.payload, Renderer(self.translator, job.lang))

    def _buttons(self, job: Job) -> InlineKeyboardMarkup:
        spec = self.catalog.get(job.model_id)
        return result_buttons(self.catalog, spec, job, lambda k, **v: self._t(job, k, **v))


class SentSteps(Protocol):
    """Which messages of a job's result were sent (`storage.job_sends.SqlJobSends`)."""

    async def sent(self, job_id: str) -> set[str]:
        """The steps already sent."""

    async def mark(self, job_id: str, step: str) -> None:
        """Record one sent step."""


class _Steps:
    """One delivery's steps: each sent unless recorded, and recorded once sent."""

    def __init__(
        self, job_id: str, sends: SentSteps | None, done: set[str], prefix: str = ""
    ) -> None:
        self.job_id = job_id
        self.sends = sends
        self.done = done
        self.prefix = prefix

    def of(self, index: int) -> _Steps:
        """The steps of the result file number `index`."""
        return _Steps(self.job_id, self.sends, self.done, f"{index}:")

    async def once(self, name: str, send: Coroutine[Any, Any, object]) -> object:
        """Await `send` unless step `name` was sent before (then it is closed unawaited):
        what it returned, None for a step sent before."""
        step = self.prefix + name
        if step in self.done:
            send.close()
            return None
        result = await send
        self.done.add(step)
        if self.sends is not None:
            await self.sends.mark(self.job_id, step)
        return result


def _file(item: ResultFile) -> BufferedInputFile:
    return BufferedInputFile(item.data or b"", item.filename)


def caption(spec: ModelSpec, payload: dict[str, Any], render: Renderer) -> str:
    """The model's name, the prompt and the key settings, within Telegram's caption limit."""
    lang = render.lang
    parts = [f"<b>{html.quote(spec.name.get(lang))}</b>"]
    prompt = text_step(spec, payload)
    if prompt is not None and isinstance(payload.get(prompt.name), str):
        parts.append(f"<i>{html.quote(payload[prompt.name][:PROMPT_SHOWN])}</i>")
    shown = []
    for field in spec.inputs:
        value = payload.get(field.name)
        if value is None or field.is_media or field is prompt or not field.askable:
            continue
        label = html.quote(field.title(lang))
        shown.append(f"{label}: {render.text(value_text(field, value))}")
    if shown:
        parts.append(" · ".join(shown[:SETTINGS_SHOWN]))
    return "\n".join(parts)[:CAPTION_LIMIT]


def result_buttons(
    catalog: Catalog, spec: ModelSpec | None, job: Job, t: Callable[..., str]
) -> InlineKeyboardMarkup:
    """Repeat and new variation, the result as another model's input, and Menu."""
    rows: list[list[InlineKeyboardButton]] = []
    if spec is not None and spec.usable:
        row = [_act(t("delivery.btn.repeat"), "r", job)]
        if job.state is not JobState.FAILED and text_step(spec, job.payload) is not None:
            row.append(_act(t("delivery.btn.vary"), "v", job))
        rows.append(row)
    rows += followups.rows(catalog, job, t, job.lang)
    rows += lyrics.rows(catalog, job, t)
    rows += reuse_rows(catalog, job, t)
    rows.append([InlineKeyboardButton(text=t("bot.btn.menu"), callback_data=Nav(to="menu").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _act(text: str, action: str, job: Job) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=JobAct(a=action, job=job.id).pack())


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
        try:
            info = await self.bot.get_file(file_id)
            buffer = await self.bot.download_file(info.file_path or "")
        except TelegramAPIError as exc:
            # e.g. "file is too big" (over 20 MB through the public Bot API)
            raise MediaUnavailable(f"Telegram did not give the file: {exc.message}") from exc
        data = buffer.read() if buffer is not None else b""
        name = (info.file_path or file_id).rsplit("/", 1)[-1]
        if not data:
            raise MediaUnavailable("the file is empty")
        if not looks_like(name, data):
            raise MediaUnavailable(f"{name} is not the image its name says")
        return str(await self.upload.upload_file(data, name))  # type: ignore[attr-defined]


IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF", b"BM")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")


def looks_like(name: str, data: bytes) -> bool:
    """False when a file named as an image does not start like one (a renamed text file)."""
    if not name.lower().endswith(IMAGE_SUFFIXES):
        return True
    if data[8:12] == b"WEBP" or data[4:8] == b"ftyp":
        return True
    return data.startswith(IMAGE_MAGIC)
