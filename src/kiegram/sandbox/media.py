"""Tiny but well-formed result files and the in-memory file store behind /files/."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

CONTENT_TYPES = {"image": "image/png", "video": "video/mp4", "audio": "audio/mpeg"}
EXTENSIONS = {"image": ".png", "video": ".mp4", "audio": ".mp3"}


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def tiny_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (230, 90, 30)) -> bytes:
    """A valid RGB PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def tiny_mp4() -> bytes:
    """An MP4-like blob: an ``ftyp`` box and an empty ``mdat`` box."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8) + b"mdat"


def tiny_mp3() -> bytes:
    """An MP3-like blob: an ID3v2 header and one silent MPEG frame header."""
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 413


def result_bytes(kind: str) -> bytes:
    """The generated file of an output kind."""
    if kind == "video":
        return tiny_mp4()
    if kind == "audio":
        return tiny_mp3()
    return tiny_png()


PIECE = 256 * 1024
_FILLER = bytes(range(256)) * (PIECE // 256)  # what pads a big result past its header


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One served file: ``data``, padded to ``size`` bytes when that is larger (a big result
    the sandbox makes up as it serves it, never held whole)."""

    data: bytes
    content_type: str
    size: int = 0

    @property
    def length(self) -> int:
        """The file's size in bytes."""
        return max(self.size, len(self.data))

    def pieces(self) -> Iterator[bytes]:
        """The file in pieces of at most `PIECE` bytes."""
        for start in range(0, len(self.data), PIECE):
            yield self.data[start : start + PIECE]
        left = self.length - len(self.data)
        while left > 0:
            yield _FILLER[: min(left, PIECE)]
            left -= PIECE


class FileStore:
    """Files served under /files/<path> (uploads and results)."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}

    def put(self, path: str, data: bytes, content_type: str, size: int = 0) -> None:
        """Store ``data`` under ``path`` (padded to ``size`` bytes when served)."""
        self._files[path.strip("/")] = StoredFile(data, content_type, size)

    def get(self, path: str) -> StoredFile | None:
        """The file under ``path``."""
        return self._files.get(path.strip("/"))

    def __len__(self) -> int:
        return len(self._files)
