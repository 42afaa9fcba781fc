"""Moving file bytes over HTTP in bounded chunks: result downloads into a sink, sizes by HEAD.

Nothing here holds a whole file: a download is written chunk by chunk (at most `CHUNK`
bytes at a time) into the caller's sink, a spooled file under DATA_DIR in the bot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import BinaryIO

import httpx

from kiegram.kie import _fields as f
from kiegram.kie.errors import KieFileTooLarge, error_from_envelope

CHUNK = 256 * 1024  # the largest piece of a download held in memory at once


async def stream_into(
    http: httpx.AsyncClient,
    url: str,
    headers: Mapping[str, str],
    max_bytes: int,
    sink: BinaryIO,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """GET `url` into `sink` in chunks of at most `CHUNK` bytes; the bytes written.

    Refuses (`KieFileTooLarge`) a file whose declared or actual size passes `max_bytes`,
    before or while reading it; transport errors are the caller's to translate.
    `on_chunk(written)` is told the bytes written so far after each chunk.
    """
    too_large = KieFileTooLarge(f"result file exceeds {max_bytes} bytes", max_bytes=max_bytes)
    async with http.stream("GET", url, headers=headers, follow_redirects=True) as response:
        if not response.is_success:
            status = response.status_code
            raise error_from_envelope(status, f"download failed with HTTP {status}")
        declared = f.integer(response.headers.get("Content-Length"))
        if declared is not None and declared > max_bytes:
            raise too_large
        written = 0
        async for chunk in response.aiter_bytes(CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise too_large
            sink.write(chunk)
            if on_chunk is not None:
                sink.flush()
                on_chunk(written)
        return written


async def head_size(http: httpx.AsyncClient, url: str, headers: Mapping[str, str]) -> int | None:
    """The size a server declares for `url` (HEAD, redirects followed); None when it does not
    say or cannot be asked."""
    try:
        response = await http.head(url, headers=headers, follow_redirects=True)
    except httpx.HTTPError:
        return None
    if not response.is_success:
        return None
    size = f.integer(response.headers.get("Content-Length"))
    return size if size is not None and size >= 0 else None
