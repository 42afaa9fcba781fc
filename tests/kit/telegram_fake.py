"""A Bot API stand-in over real HTTP: records what the bot sends and plays users."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.multipart import (
    BodyPartReader,
    content_disposition_filename,
    parse_content_disposition,
)
from kit.telegram_calls import Call as Call  # also taken from here by tests
from kit.telegram_users import FakeUser

TOKEN = "123456:TEST-token-for-the-fake-server"
SEND_METHODS = {
    "sendmessage": "text",
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvideo": "video",
    "sendaudio": "audio",
    "sendvoice": "voice",
    "sendanimation": "animation",
    "sendinvoice": "invoice",
}
MB = 1024 * 1024
# What Telegram fetches itself from a URL (Bot API, "Sending files"): photos up to 5 MB,
# other files up to 20 MB, sendDocument only for GIF, PDF and ZIP.
URL_LIMITS = {"photo": 5 * MB}
URL_LIMIT = 20 * MB
DOCUMENT_URL_SUFFIXES = (".gif", ".pdf", ".zip")
URL_REFUSED = {"error_code": 400, "description": "Bad Request: failed to get HTTP URL content"}
INLINE_BODY = 1 * MB  # a bigger multipart body is read streamed, part by part


class FakeTelegram:
    """An aiohttp server answering Bot API methods; tests drive users through it."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.file_suffixes: dict[str, str] = {}
        self.failures: dict[str, list[dict[str, Any]]] = {}
        self.blocked: set[int] = set()
        self.delays: dict[str, float] = {}  # method -> seconds it takes to answer
        self.keep_bytes = 8 * MB  # an uploaded file bigger than this is counted, not kept
        self.refuse_urls = False  # True: every file by URL is refused (unreachable from here)
        self.upload_chunks: list[int] = []  # the size of each piece of a streamed upload read
        self._http: aiohttp.ClientSession | None = None
        self.latency = 0.0  # seconds every other method (getUpdates too) takes to answer
        self.batch = 1  # updates one getUpdates returns at most (Telegram: 100)
        # Telegram's flood limit for edits (about one a second per chat): when set, an
        # editMessageText within this many seconds of the chat's previous edit is refused
        # with 429 and recorded in `too_fast`.
        self.edit_interval: float | None = None
        self.too_fast: list[Call] = []
        self._last_edit: dict[int, float] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._polled = 0
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL to give the bot as TELEGRAM_API_BASE."""
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.base_url = f"http://{host}:{sockets[0].getsockname()[1]}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def user(self, user_id: int, language_code: str = "ru", **extra: Any) -> FakeUser:
        """A person chatting with the bot in a private chat."""
        return FakeUser(self, user_id, language_code, **extra)

    def fail_next(self, method: str, error: dict[str, Any]) -> None:
        """Make the next call of `method` fail with this Bot API error body."""
        self.failures.setdefault(method.lower(), []).append(error)

    # --- updates -------------------------------------------------------------------------

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        async with self._changed:
            self._updates.append({"update_id": update_id, kind: payload})
            self._changed.notify_all()
        return update_id

    async def wait_consumed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot has asked for updates after `update_id` (it was handled)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self._polled > update_id), timeout
            )

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate` holds after some bot call."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    def new_file(self, data: bytes, name: str = "") -> str:
        """Store a file a user sends; returns its file_id (the name's suffix is kept)."""
        file_id = f"file{next(self._file_ids)}"
        self.files[file_id] = data
        if "." in name:
            self.file_suffixes[file_id] = "." + name.rsplit(".", 1)[1]
        return file_id

    def new_message_id(self) -> int:
        """A fresh message id."""
        return next(self._message_ids)

    # --- HTTP handlers ---------------------------------------------------------------------

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1].split(".", 1)[0]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        if request.content_type.startswith("multipart/") and (
            request.content_length is None or request.content_length > INLINE_BODY
        ):
            call = await self._read_streamed(method, request)
        else:
            params, files = await _read_params(request)
            call = Call(method, params, files, sizes={k: len(v) for k, v in files.items()})
        if method == "getupdates":
            return web.json_response({"ok": True, "result": await self._get_updates(call.params)})
        refused = await self._fetch_urls(call)
        if refused is not None:
            return refused
        return await self._perform(call)

    async def _read_streamed(self, method: str, request: web.Request) -> Call:
        """A big multipart body read part by part, each file in pieces: counted, and kept
        only up to `keep_bytes` (a 2 GB upload costs the fake no memory)."""
        call = Call(method, {}, streamed=request.content_length is None)
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                call.params[part.name] = _decode((await part.read()).decode())
                continue
            kept, size = bytearray(), 0
            while chunk := await part.read_chunk(256 * 1024):
                self.upload_chunks.append(len(chunk))
                size += len(chunk)
                if size <= self.keep_bytes:
                    kept.extend(chunk)
            call.sizes[part.name] = size
            call.files[part.name] = bytes(kept) if size <= self.keep_bytes else b""
        call.params.update({k: _decode(v) for k, v in request.query.items()})
        return call

    async def _fetch_urls(self, call: Call) -> web.Response | None:
        """Fetch the files given by URL as Telegram does, within its limits; the refusal
        Telegram answers when one is out of them (None when all were fetched)."""
        kind = SEND_METHODS.get(call.method)
        wanted: list[tuple[str, str, str]] = []  # (key, kind, url)
        if kind not in (None, "text", "invoice") and isinstance(call.params.get(kind), str):
            wanted.append((kind, kind, call.params[kind]))
        if call.method == "sendmediagroup":
            for n, item in enumerate(call.params.get("media") or []):
                media = str(item.get("media", ""))
                wanted.append((f"media{n}", str(item.get("type", "photo")), media))
        for key, media_kind, url in wanted:
            if not url.startswith(("http://", "https://")):
                continue
            size = await self._fetch(media_kind, url)
            if size is None:
                return web.json_response({"ok": False, **URL_REFUSED}, status=400)
            call.urls[key] = url
            call.sizes[key] = size
        return None

    async def _fetch(self, kind: str, url: str) -> int | None:
        """The size of the file at `url`, read in pieces; None when Telegram would refuse it."""
        limit = URL_LIMITS.get(kind, URL_LIMIT)
        path = url.split("?", 1)[0].lower()
        if self.refuse_urls or (kind == "document" and not path.endswith(DOCUMENT_URL_SUFFIXES)):
            return None
        if self._http is None:
            self._http = aiohttp.ClientSession()
        size = 0
        try:
            async with self._http.get(url) as response:
                if response.status != 200:
                    return None
                async for chunk in response.content.iter_chunked(256 * 1024):
                    size += len(chunk)
                    if size > limit:
                        return None
        except aiohttp.ClientError:
            return None
        return size

    async def run_webhook_reply(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Carry out the method a bot put in its answer to a webhook update, as Telegram does
        (its outcome goes nowhere); an empty answer (`{}`) asks for nothing."""
        content_type = headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if content_type.startswith("multipart/"):
            for name, filename, data in _form_parts(body, headers):
                if filename is not None:
                    files[name] = data
                else:
                    params[name] = _decode(data.decode())
        elif content_type.startswith("application/json") and body.strip():
            loaded = json.loads(body)
            params = loaded if isinstance(loaded, dict) else {}
        method = params.pop("method", None)
        if method:
            await self._perform(Call(str(method).lower(), params, files, reply=True))

    async def _perform(self, call: Call) -> web.Response:
        """Answer one Bot API call (delays, queued failures and blocked users applied)."""
        method, params = call.method, call.params
        pause = self.delays.get(method, self.latency)
        if pause:
            await asyncio.sleep(pause)
        failures = self.failures.get(method)
        if failures:
            error = failures.pop(0)
            return web.json_response({"ok": False, **error}, status=error.get("error_code", 400))
        chat_id = _int(params.get("chat_id"))
        if method == "editmessagetext" and self._flooded(chat_id or 0):
            self.too_fast.append(call)
            error = {
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response({"ok": False, **error}, status=429)
        if chat_id is not None and chat_id in self.blocked and method.startswith("send"):
            error = {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return web.json_response({"ok": False, **error}, status=403)
        result = self._answer(call)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    def _flooded(self, chat_id: int) -> bool:
        """True when this edit comes sooner than `edit_interval` after the chat's last one."""
        if self.edit_interval is None:
            return False
        now = time.monotonic()
        last = self._last_edit.get(chat_id)
        if last is not None and now - last < self.edit_interval:
            return True
        self._last_edit[chat_id] = now
        return False

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params.get("offset")) or 0
        timeout = float(params.get("timeout") or 0)
        if self.latency:
            await asyncio.sleep(self.latency)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._polled = max(self._polled, offset)
            self._changed.notify_all()
            if not self._updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates)), 1)
            return list(self._updates[: self.batch])

    def _answer(self, call: Call) -> Any:
        method, params = call.method, call.params
        if method == "getme":
            return {"id": 42, "is_bot": True, "first_name": "kiegram", "username": "kiegram_bot"}
        if method in SEND_METHODS:
            return self._store(call, SEND_METHODS[method])
        if method == "sendmediagroup":
            media = params.get("media") or []
            return [self._store(call, item.get("type", "photo"), item) for item in media]
        if method in ("editmessagetext", "editmessagecaption", "editmessagereplymarkup"):
            return self._edit(params)
        if method == "getfile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"},
                    status=400,
                )
            size = len(self.files[file_id])
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                # Like Telegram: documents keep their extension in the path.
                "file_path": f"files/{file_id}{self.file_suffixes.get(file_id, '')}",
            }
        return True

    def _store(self, call: Call, kind: str, item: dict[str, Any] | None = None) -> dict[str, Any]:
        params = call.params
        chat_id = _int(params.get("chat_id")) or 0
        message: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": 42, "is_bot": True, "first_name": "kiegram"},
        }
        if kind == "text":
            message["text"] = params.get("text", "")
        elif kind == "invoice":
            prices = params.get("prices") or []
            message["invoice"] = {
                "title": params.get("title", ""),
                "description": params.get("description", ""),
                "start_parameter": params.get("start_parameter", ""),
                "currency": params.get("currency", ""),
                "total_amount": sum(int(p.get("amount", 0)) for p in prices),
            }
        else:
            stored, size = _attached(call, item)
            file_id = self.new_file(stored)
            file_obj = {"file_id": file_id, "file_unique_id": file_id, "file_size": size}
            if kind in ("video", "animation"):
                file_obj.update(width=1, height=1, duration=1)
            elif kind in ("audio", "voice"):
                file_obj["duration"] = 1
            message[kind] = [{**file_obj, "width": 1, "height": 1}] if kind == "photo" else file_obj
            caption = (item or params).get("caption")
            if caption:
                message["caption"] = caption
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any]) -> Any:
        key = (_int(params.get("chat_id")) or 0, _int(params.get("message_id")) or 0)
        message = self.messages.get(key)
        if message is None:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message to edit not found",
                },
                status=400,
            )
        new_text = params.get("text", params.get("caption"))
        same_text = new_text is None or new_text == message.get("text", message.get("caption"))
        same_markup = params.get("reply_markup") == message.get("reply_markup")
        if same_text and same_markup:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message is not modified",
                },
                status=400,
            )
        if new_text is not None:
            message["text" if "text" in message else "caption"] = new_text
        message["reply_markup"] = params.get("reply_markup")
        return message


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        params = dict(await request.json())
    elif request.content_type.startswith("multipart/"):
        # Parsed here, in memory: aiohttp's `request.post()` spools each file to disk and
        # parses each header character by character, which the load benchmarks would count
        # as the bot's CPU (Telegram's own work, in truth).
        for name, filename, data in _form_parts(await request.read(), request.headers):
            if filename is not None:
                files[name] = data
            else:
                params[name] = _decode(data.decode())
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
            else:
                params[key] = _decode(str(value))
    params.update({k: _decode(v) for k, v in request.query.items()})
    return params, files


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
_NAME = re.compile(r'(?:^|;)\s*name="([^"\\]*)"')
_FILENAME = re.compile(r'(?:^|;)\s*filename="([^"\\]*)"')


def _form_parts(body: bytes, headers: Mapping[str, str]) -> Iterator[tuple[str, str | None, bytes]]:
    """(name, filename or None, data) of each part of a multipart/form-data body."""
    found = _BOUNDARY.search(headers.get("Content-Type", ""))
    if found is None:
        return
    for chunk in body.split(b"--" + found.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            return
        head, _, data = chunk.partition(b"\r\n\r\n")
        disposition = ""
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value.strip()
        if "*=" in disposition or "\\" in disposition:  # RFC 5987 or escapes: full parser
            _kind, fields = parse_content_disposition(disposition)
            name, filename = fields.get("name"), content_disposition_filename(fields, "filename")
        else:
            name_match, file_match = _NAME.search(disposition), _FILENAME.search(disposition)
            name = name_match.group(1) if name_match else None
            filename = file_match.group(1) if file_match else None
        if name is not None:
            yield name, filename, data.removesuffix(b"\r\n")


def _decode(value: str) -> Any:
    if value[:1] in "[{" or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attached(call: Call, item: dict[str, Any] | None) -> tuple[bytes, int]:
    """The bytes the bot uploaded for one message (or one album item), as kept, and the
    file's size (a file fetched by URL, or too big to keep, has no bytes here)."""
    media = str((item or {}).get("media", ""))
    if media.startswith("attach://"):
        name = media.removeprefix("attach://")
        return call.files.get(name, b""), call.sizes.get(name, len(call.files.get(name, b"")))
    if item is not None:
        key = next((k for k, url in call.urls.items() if url == media), None)
        return b"", call.sizes.get(key or "", 0)
    if call.urls:
        return b"", next(iter(call.sizes.values()), 0)
    name, data = next(iter(call.files.items()), ("", b""))
    return data, call.sizes.get(name, len(data))
