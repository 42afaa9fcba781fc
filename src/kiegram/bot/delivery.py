"""Delivers results and failures to Telegram chats (the jobs' Delivery port)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
)
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
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
from kiegram.bot.transfers import MB, Outgoing, Transfers, method_of, send_file
from kiegram.catalog import Catalog, ModelSpec
from kiegram.i18n import Translator
from kiegram.jobs import Job, JobState, ResultFile
from kiegram.kie.errors import KieError, KieFileTooLarge
from kiegram.storage.result_files import KeptFile, SqlResultFiles
from kiegram.wizard.display import value_text

log = logging.getLogger(__name__)
KIE_CODE = re.compile(r"\[([a-z_]+)\]")  # the fail code the finisher puts first
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
        transfers: Transfers | None = None,
    ) -> None:
        self.bot = bot
        self.translator = translator
        self.catalog = catalog
        self.progress = progress
        self.sends = sends
        self.kept = kept  # the sent files' ids, for /history to send them again
        self.transfers = transfers  # fetching results from their URLs (None: in memory only)

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        """Photos (plus originals as documents), video, audio, text, or links.

        Each message is recorded once Telegram accepted it (`sends`), so a delivery that a
        crash interrupted sends only the messages still missing. Files move by URL or through
        spooled files (`bot.transfers`), removed when this delivery ends, however it ends.
        """
        caption = self._caption(job)
        markup = self._buttons(job)
        steps = _Steps(job.id, self.sends, await self.sends.sent(job.id) if self.sends else set())
        try:
            async with AsyncExitStack() as stack:
                outgoing = [Outgoing(item, self.transfers, stack) for item in files]
                await asyncio.gather(*(out.measure() for out in outgoing))
                if self.progress is not None:
                    await self.progress.delivering(job)
                sent = await self._send_all(job, outgoing, caption, steps)
            if self.kept is not None and sent:
                await self.kept.put(job.id, sent)
            if self.progress is not None:
                await self.progress.finish(job, Stage.DONE)
            text = self._t(job, "delivery.done")
            await steps.once("done", self.bot.send_message(job.chat_id, text, reply_markup=markup))
        except TelegramForbiddenError:
            log.info("user %s blocked the bot; job %s result kept", job.user_id, job.id)

    async def _send_all(
        self, job: Job, outgoing: list[Outgoing], caption: str, steps: _Steps
    ) -> list[KeptFile]:
        """Send every result not sent yet; the file ids Telegram gave them, by result index
        (a message sent before a restart is not among them: /history falls back to links)."""
        photos = [
            (i, out)
            for i, out in enumerate(outgoing)
            if out.item.kind == "image" and not out.too_large and out.fits_photo
        ][:10]
        sent: list[tuple[int, object]] = []
        grouped = False
        if len(photos) > 1:
            try:
                album = await steps.once("group", self._album(job.chat_id, photos, caption))
                grouped = True
            except KieError as exc:  # one could not be fetched: each is sent on its own
                log.warning("job %s: album not sent: %s", job.id, exc)
                album = None
            if isinstance(album, list):
                sent += [(i, message) for (i, _p), message in zip(photos, album, strict=False)]
        for index, out in enumerate(outgoing):
            one = await self._send_one(job, out, caption, grouped, steps.of(index))
            sent += [(index, one)] if one is not None else []
        return [k for i, m in sent if isinstance(m, Message) and (k := kept_of(m, i)) is not None]

    async def _album(
        self, chat: int, photos: list[tuple[int, Outgoing]], caption: str
    ) -> list[Message]:
        """The photos as one album: by URL when Telegram takes them all so, else uploaded."""
        urls = [out.by_url("photo") for _i, out in photos]
        if all(urls):
            try:
                return await self.bot.send_media_group(chat, _photos(urls, caption))
            except TelegramBadRequest as exc:
                log.info("Telegram refused the album by URL (%s); uploading it", exc)
        uploads = await asyncio.gather(*(out.upload() for _i, out in photos))
        try:
            return await self.bot.send_media_group(chat, _photos(list(uploads), caption))
        except Exception:
            broken = next((out.broken for _i, out in photos if out.broken is not None), None)
            if broken is None:
                raise
            raise broken from None  # a download failed under the upload: each on its own

    async def _send_one(
        self, job: Job, out: Outgoing, caption: str, grouped: bool, steps: _Steps
    ) -> object:
        """Send one result; the message showing it (None for text, links, grouped photos
        and what was sent before)."""
        chat, item = job.chat_id, out.item
        if item.kind == "text":
            # Lyrics come as several takes, a transcript may be long: each part its own message.
            for n, part in enumerate(text_parts((item.data or b"").decode())):
                step = "text" if n == 0 else f"text.{n}"
                await steps.once(step, self.bot.send_message(chat, part))
            return None
        try:
            if out.too_large:
                raise KieFileTooLarge("over MAX_FILE_MB", max_bytes=self._limit())
            if item.kind != "image":
                return await steps.once("file", self._upload(chat, out, caption, item.kind))
            shown = None
            if not grouped and out.fits_photo:
                shown = await steps.once("photo", self._upload(chat, out, caption, "photo"))
            original = caption if not grouped and not out.fits_photo else None
            await steps.once("file", send_file(self.bot, "document", chat, out, original))
            return shown
        except KieError as exc:
            # Too large, or KIE's URL did not give the file: the user still gets the link.
            log.warning("job %s: %s sent as a link: %s", job.id, item.filename, exc)
            await steps.once("link", self.bot.send_message(chat, self._link(job, out, exc)))
            return None

    async def _upload(self, chat: int, out: Outgoing, caption: str, kind: str) -> object:
        method = method_of(kind)
        try:
            return await send_file(self.bot, method, chat, out, caption)
        except (TelegramBadRequest, TelegramEntityTooLarge):
            if method == "document":
                raise
            # Telegram refused the file (size, format): the same bytes as a document. A
            # network error is not a refusal: it ends this delivery, retried later.
            return await send_file(self.bot, "document", chat, out, caption)

    def _limit(self) -> int:
        return self.transfers.max_bytes if self.transfers is not None else 0

    def _link(self, job: Job, out: Outgoing, exc: KieError) -> str:
        url = html.quote(out.item.url)
        head = f"{self._caption(job)}\n"
        if not isinstance(exc, KieFileTooLarge):
            return head + self._t(job, "transfers.link", url=url)
        limit = _mb(self._limit() or exc.max_bytes)
        if out.size is None or out.size <= exc.max_bytes:  # its server did not say the size
            return head + self._t(job, "transfers.too_large_unsized", limit=limit, url=url)
        return head + self._t(job, "transfers.too_large", size=_mb(out.size), limit=limit, url=url)

    async def fail(self, job: Job) -> None:
        """Explain the failure in the user's language; the money came back."""
        code = job.error_code or "generation_failed"
        # A failure after a crash or restart (`recovery.*`) is told apart from KIE's own; a
        # KIE reason we can explain better (`[no_lyrics] ...`) has its own message.
        known = KIE_CODE.match(job.error_message or "")
        kie = f"suno.kie.{known.group(1)}" if known else "suno.kie.none"
        keys = (
            f"recovery.{code}",
            kie,
            f"delivery.error.{code}",
            "delivery.error.generation_failed",
        )
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


def _photos(media: list[str | None] | list[InputFile], caption: str) -> list[MediaItem]:
    return [
        InputMediaPhoto(media=item or "", caption=caption if n == 0 else None)
        for n, item in enumerate(media)
    ]


def _mb(size: int) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB else f"{size / MB:.1f}"


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
