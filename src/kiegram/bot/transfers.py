"""How a result's bytes reach Telegram: by URL where the Bot API takes one, else streamed.

Telegram fetches a file itself from a URL up to 5 MB for photos and 20 MB for other kinds
(sendDocument by URL only for GIF, PDF and ZIP). Anything else is downloaded from KIE's URL
into a spooled file under DATA_DIR in 256 KB chunks and uploaded from it in 1 MB chunks
while the download still writes it (both legs at once), so memory stays bounded whatever
the size; the file is removed when the delivery ends. An upload cut short by a failed
download is made again from the whole file, downloaded with retries. A file
over the size limit (MAX_FILE_MB) is never fetched: the user gets its link.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, FSInputFile, InputFile, Message

from kiegram.bot.spool import Spool
from kiegram.jobs import ResultFile
from kiegram.kie.errors import KieError, KieFileTooLarge

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

    async def download_to(
        self,
        url: str,
        path: Path,
        max_bytes: int,
        on_chunk: Callable[[int], None] | None = None,
        retry: bool = True,
    ) -> int:
        """Stream the file into `path` in bounded chunks, telling `on_chunk` the bytes
        written so far; its size."""


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
        self.spooled: Path | None = None  # the whole file, downloaded
        self._growing: Growing | None = None
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

    @property
    def broken(self) -> Exception | None:
        """Why the download under a streamed upload failed (None: it did not)."""
        return self._growing.error if self._growing is not None else None

    async def upload(self) -> InputFile:
        """The file to upload: from memory, from its spooled copy, or (on first need) read
        from the spooled copy while its download still writes it: both legs at once."""
        if self.item.data is not None:
            return BufferedInputFile(self.item.data, self.item.filename)
        transfers = self.transfers
        if transfers is None:
            raise KieError("no downloader for result files")
        async with self._lock:  # an album and the original share one download
            if self._growing is None:
                suffix = Path(self.item.filename).suffix
                path = await self._stack.enter_async_context(transfers.spool.file(suffix))
                self._growing = Growing(path)
                task = asyncio.create_task(self._pull(transfers, self._growing))
                self._stack.push_async_callback(_stopped, task)  # before the file goes
        if self.spooled is not None:
            return FSInputFile(self.spooled, self.item.filename, chunk_size=UPLOAD_CHUNK)
        return GrowingFile(self._growing, self.item.filename)

    async def _pull(self, transfers: Transfers, growing: Growing) -> None:
        """Download into the growing file once, without retries (a reader took its bytes)."""
        try:
            self.size = await transfers.source.download_to(
                self.item.url, growing.path, transfers.max_bytes, growing.grew, False
            )
            self.spooled = growing.path
        except Exception as exc:
            growing.error = exc
        finally:
            growing.finish()

    async def settle(self) -> None:
        """After a download under a streamed upload failed: the whole file, with retries
        (a file over the limit stays refused)."""
        growing, transfers = self._growing, self.transfers
        if growing is None or transfers is None or self.spooled is not None:
            return
        if isinstance(growing.error, KieFileTooLarge):
            raise growing.error
        self.size = await transfers.source.download_to(
            self.item.url, growing.path, transfers.max_bytes
        )
        growing.error = None
        self.spooled = growing.path


class Growing:
    """A spooled file its download is still writing: how far, and whether it ended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        self.done = False
        self.error: Exception | None = None
        self.changed = asyncio.Event()

    def grew(self, written: int) -> None:
        self.written = written
        self.changed.set()

    def finish(self) -> None:
        self.done = True
        self.changed.set()


class GrowingFile(InputFile):
    """An upload read from a spooled file as its download writes it (at most `UPLOAD_CHUNK`
    bytes at a time); it fails, cutting the upload short, if the download fails."""

    def __init__(self, growing: Growing, filename: str) -> None:
        super().__init__(filename=filename, chunk_size=UPLOAD_CHUNK)
        self.growing = growing

    async def read(self, bot: Bot) -> AsyncGenerator[bytes, None]:
        growing, taken = self.growing, 0
        stream = await asyncio.to_thread(growing.path.open, "rb")
        try:
            while True:
                if growing.error is not None:
                    raise growing.error
                if taken < growing.written:
                    size = min(self.chunk_size, growing.written - taken)
                    chunk = await asyncio.to_thread(stream.read, size)
                    taken += len(chunk)
                    yield chunk
                elif growing.done:
                    return
                else:
                    growing.changed.clear()
                    await growing.changed.wait()
        finally:
            stream.close()


async def _stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


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
    """Send by URL where Telegram takes one; upload when it refuses the URL or takes none.
    An upload cut short by its download's failure is made again from the whole file."""
    url = out.by_url(method)
    if url is not None:
        try:
            return await send_media(bot, method, chat, url, caption)
        except TelegramBadRequest as exc:  # could not fetch it, wrong type: we upload it
            log.info("Telegram refused %s by URL (%s); uploading it", out.item.filename, exc)
    try:
        return await send_media(bot, method, chat, await out.upload(), caption)
    except Exception:
        if out.broken is None:
            raise
    log.info("the download under %s's upload failed (%s); again", out.item.filename, out.broken)
    await out.settle()
    return await send_media(bot, method, chat, await out.upload(), caption)
