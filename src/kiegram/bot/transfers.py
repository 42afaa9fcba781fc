"""How a result's bytes reach Telegram: by URL where the Bot API takes one, else streamed.

Telegram fetches a file itself from a URL up to 5 MB for photos and 20 MB for other kinds
(sendDocument by URL only for GIF, PDF and ZIP). Anything else is downloaded from KIE's URL
into a spooled file under DATA_DIR in 256 KB chunks and uploaded from it in 1 MB chunks, so
memory stays bounded whatever the size; the file is removed when the delivery ends. A file
over the size limit (MAX_FILE_MB) is never fetched: the user gets its link.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, FSInputFile, InputFile, Message

from kiegram.bot.spool import Spool
from kiegram.jobs import ResultFile
from kiegram.kie.errors import KieError

log = logging.getLogger(__name__)
MB = 1024 * 1024
PHOTO_BY_URL = 5 * MB  # what Telegram fetches itself, by kind (Bot API, "Sending files")
OTHER_BY_URL = 20 * MB
PHOTO_UPLOAD = 10 * MB  # a bigger image goes as a document only
DOCUMENT_BY_URL = (".gif", ".pdf", ".zip")
UPLOAD_CHUNK = 1024 * 1024  # read from the spooled file per step (a thread hop each)
UPLOAD_SECONDS = 900  # one upload's time limit: a 2 GB file to a local Bot API server
METHODS = {"image": "photo", "photo": "photo", "video": "video", "audio": "audio"}


class ResultSource(Protocol):
    """Where result files come from (`kie.client.KieClient`)."""

    async def size_of(self, url: str) -> int | None:
        """The size the file's server declares; None when unknown."""

    async def download_to(self, url: str, path: Path, max_bytes: int) -> int:
        """Stream the file into `path` in bounded chunks; its size."""


@dataclass(frozen=True, slots=True)
class Transfers:
    """What a delivery needs to move files: their source, the spool, the size limit."""

    source: ResultSource
    spool: Spool
    max_bytes: int
    by_url: bool = True  # hand Telegram the URL where the Bot API allows it


def method_of(kind: str) -> str:
    """The Bot API send method (photo, video, audio, document) for a result kind."""
    return METHODS.get(kind, "document")


def url_allowed(method: str, size: int | None, filename: str) -> bool:
    """Whether Telegram fetches a file of this size itself for `method` (a known size only)."""
    if size is None:
        return False
    if method == "photo":
        return size <= PHOTO_BY_URL
    if method == "document":
        return size <= OTHER_BY_URL and filename.lower().endswith(DOCUMENT_BY_URL)
    return size <= OTHER_BY_URL


class Outgoing:
    """One result on its way: its size, and its bytes (in memory, or spooled on first need)."""

    def __init__(self, item: ResultFile, transfers: Transfers | None, stack: AsyncExitStack):
        self.item = item
        self.transfers = transfers
        self.size = len(item.data) if item.data is not None else None
        self.spooled: Path | None = None
        self._stack = stack
        self._lock = asyncio.Lock()

    async def measure(self) -> None:
        """Ask the file's server for its size (a file kept in memory knows it)."""
        if self.item.data is None and self.transfers is not None and self.item.url:
            self.size = await self.transfers.source.size_of(self.item.url)

    @property
    def too_large(self) -> bool:
        """Larger than the limit: sent as a link, never fetched."""
        limit = self.transfers.max_bytes if self.transfers is not None else None
        return limit is not None and self.size is not None and self.size > limit

    @property
    def fits_photo(self) -> bool:
        """Small enough to upload as a photo (an unknown size is tried)."""
        return self.size is None or self.size <= PHOTO_UPLOAD

    def by_url(self, method: str) -> str | None:
        """The URL to hand Telegram for `method`, when it takes one for this file."""
        item, transfers = self.item, self.transfers
        if item.data is not None or transfers is None or not transfers.by_url:
            return None
        return item.url if url_allowed(method, self.size, item.filename) else None

    async def upload(self) -> InputFile:
        """The file to upload: from memory, or from its spooled copy (downloaded once)."""
        if self.item.data is not None:
            return BufferedInputFile(self.item.data, self.item.filename)
        if self.transfers is None:
            raise KieError("no downloader for result files")
        async with self._lock:  # an album and the original share one download
            if self.spooled is None:
                transfers = self.transfers
                suffix = Path(self.item.filename).suffix
                path = await self._stack.enter_async_context(transfers.spool.file(suffix))
                self.size = await transfers.source.download_to(
                    self.item.url, path, transfers.max_bytes
                )
                self.spooled = path
        return FSInputFile(self.spooled, self.item.filename, chunk_size=UPLOAD_CHUNK)


async def send_media(
    bot: Bot, method: str, chat: int, media: InputFile | str, caption: str | None
) -> Message:
    """One send of a file (an upload, or a URL) by the Bot API method named `method`."""
    timeout = UPLOAD_SECONDS if isinstance(media, InputFile) else None
    if method == "photo":
        return await bot.send_photo(chat, media, caption=caption, request_timeout=timeout)
    if method == "video":
        return await bot.send_video(chat, media, caption=caption, request_timeout=timeout)
    if method == "audio":
        return await bot.send_audio(chat, media, caption=caption, request_timeout=timeout)
    return await bot.send_document(chat, media, caption=caption, request_timeout=timeout)


async def send_file(
    bot: Bot, method: str, chat: int, out: Outgoing, caption: str | None
) -> Message:
    """Send by URL where Telegram takes one; upload when it refuses the URL or takes none."""
    url = out.by_url(method)
    if url is not None:
        try:
            return await send_media(bot, method, chat, url, caption)
        except TelegramBadRequest as exc:  # could not fetch it, wrong type: we upload it
            log.info("Telegram refused %s by URL (%s); uploading it", out.item.filename, exc)
    return await send_media(bot, method, chat, await out.upload(), caption)
