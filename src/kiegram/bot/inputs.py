"""A user's file on its way to KIE: from Telegram into a spooled file, from it to KIE's upload.

Neither leg holds the file in memory: aiogram writes the download to disk in 256 KB chunks,
and the KIE client streams the multipart upload from the file. The spooled copy is removed
once KIE has it (or the upload failed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiohttp import ClientError

from kiegram.bot.spool import Spool
from kiegram.jobs.errors import MediaUnavailable
from kiegram.kie.transfer import CHUNK

MB = 1024 * 1024
DOWNLOAD_SECONDS = 900  # a 2 GB file from a local Bot API server


class Uploader(Protocol):
    """KIE's file upload (`kie.client.KieClient.upload_file`)."""

    async def upload_file(self, data: Path, filename: str) -> str:
        """Stream the file at `data` to KIE; its download URL."""


class TelegramMedia:
    """Resolves "tg:<file_id>" refs: Telegram's file, streamed to KIE (a MediaResolver)."""

    def __init__(self, bot: Bot, upload: Uploader, spool: Spool, max_bytes: int) -> None:
        self.bot = bot
        self.upload = upload
        self.spool = spool
        self.max_bytes = max_bytes

    async def resolve(self, ref: str) -> str:
        """A KIE URL for the ref; http(s) refs pass through."""
        if not ref.startswith("tg:"):
            return ref
        file_id = ref.removeprefix("tg:")
        try:
            info = await self.bot.get_file(file_id)
        except TelegramAPIError as exc:
            # e.g. "file is too big" (over 20 MB through the public Bot API)
            raise MediaUnavailable(f"Telegram did not give the file: {exc.message}") from exc
        if info.file_size is not None and info.file_size > self.max_bytes:
            limit = self.max_bytes // MB
            raise MediaUnavailable(f"the file is over the {limit} MB limit (MAX_FILE_MB)")
        name = (info.file_path or file_id).rsplit("/", 1)[-1]
        async with self.spool.file(Path(name).suffix) as path:
            try:
                await self.bot.download_file(
                    info.file_path or "", path, timeout=DOWNLOAD_SECONDS, chunk_size=CHUNK
                )
            except (TelegramAPIError, ClientError, OSError) as exc:
                raise MediaUnavailable(f"Telegram did not give the file: {exc}") from exc
            size = path.stat().st_size
            if not size:
                raise MediaUnavailable("the file is empty")
            if size > self.max_bytes:
                raise MediaUnavailable(f"the file is over the {self.max_bytes // MB} MB limit")
            with path.open("rb") as head:
                if not looks_like(name, head.read(16)):
                    raise MediaUnavailable(f"{name} is not the image its name says")
            return str(await self.upload.upload_file(path, name))


IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF", b"BM")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")


def looks_like(name: str, data: bytes) -> bool:
    """False when a file named as an image does not start like one (a renamed text file);
    `data` is the file's first bytes (16 are enough)."""
    if not name.lower().endswith(IMAGE_SUFFIXES):
        return True
    if data[8:12] == b"WEBP" or data[4:8] == b"ftyp":
        return True
    return data.startswith(IMAGE_MAGIC)
