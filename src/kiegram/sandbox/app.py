"""The simulator's aiohttp application: KIE's endpoints over an in-memory state."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.cost import credits_for
from kiegram.catalog.kinds import ApiFamily
from kiegram.catalog.spec import ModelSpec
from kiegram.sandbox.chat import chat_completion
from kiegram.sandbox.faults import Faults, first_time, markers_in
from kiegram.sandbox.feed import PRICE_FEED_PATH, feed_rows
from kiegram.sandbox.followups import (
    ANSWERED_AT_ONCE,
    FOLLOWUP_STATUS,
    PROCESSING,
    parent_problem,
    result_count,
    sharing_spec,
)
from kiegram.sandbox.media import CONTENT_TYPES, EXTENSIONS, FileStore, result_bytes
from kiegram.sandbox.omni import OMNI_AUDIO, OMNI_CHARACTER, create_character, create_voice
from kiegram.sandbox.tasks import SandboxTask, callback_body, status_data
from kiegram.sandbox.validate import validate_input

log = logging.getLogger(__name__)

# KIE's documented paths (api.md sections 1 and 6), kept apart from the client's own copy.
CREATE_PATHS = {
    ApiFamily.MARKET: "/api/v1/jobs/createTask",
    ApiFamily.VEO: "/api/v1/veo/generate",
    ApiFamily.RUNWAY: "/api/v1/runway/generate",
    ApiFamily.LUMA: "/api/v1/modify/generate",
    ApiFamily.SUNO: "/api/v1/generate",
    ApiFamily.MIDJOURNEY: "/api/v1/mj/generate",
    ApiFamily.GPT4O_IMAGE: "/api/v1/gpt4o-image/generate",
    ApiFamily.FLUX_KONTEXT: "/api/v1/flux/kontext/generate",
}
STATUS_PATHS = {
    ApiFamily.MARKET: "/api/v1/jobs/recordInfo",
    ApiFamily.VEO: "/api/v1/veo/record-info",
    ApiFamily.RUNWAY: "/api/v1/runway/record-detail",
    ApiFamily.LUMA: "/api/v1/modify/record-info",
    ApiFamily.SUNO: "/api/v1/generate/record-info",
    ApiFamily.MIDJOURNEY: "/api/v1/mj/record-info",
    ApiFamily.GPT4O_IMAGE: "/api/v1/gpt4o-image/record-info",
    ApiFamily.FLUX_KONTEXT: "/api/v1/flux/kontext/record-info",
}


def sign(key: str, task_id: str, timestamp: str) -> str:
    """KIE's webhook signature: base64(HMAC-SHA256(key, "taskId.timestamp"))."""
    mac = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def envelope(code: int, msg: str, data: Any = None, status: int = 200) -> web.Response:
    """KIE's reply shape; errors usually still come with HTTP 200."""
    return web.json_response({"code": code, "msg": msg, "data": data}, status=status)


class SandboxKie:
    """The state and the request handlers of one simulated KIE account."""

    def __init__(self, catalog: Catalog, faults: Faults) -> None:
        self.catalog = catalog
        self.faults = faults
        self.files = FileStore()
        self.tasks: dict[str, SandboxTask] = {}
        self.callbacks_sent = 0
        self.holding = 0  # create requests waiting out `Faults.create_hold` now
        self.base_url = ""  # set once the server listens
        self._background: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None
        # Repeat endpoints (Veo 1080p/4K): the result of each (path, task, index) and when
        # it was first asked for.
        self.repeats: dict[tuple[str, str, int], tuple[str, float]] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def app(self) -> web.Application:
        """The aiohttp application serving every simulated endpoint."""
        app = web.Application(middlewares=[self._auth], client_max_size=64 * 1024 * 1024)
        for family, path in CREATE_PATHS.items():
            app.router.add_post(path, self._create_handler(family))
        for family, path in STATUS_PATHS.items():
            app.router.add_get(path, self._status_handler(family))
        self._add_followups(app)
        app.router.add_post("/api/file-stream-upload", self.upload)
        app.router.add_get("/api/v1/chat/credit", self.credit)
        app.router.add_post(PRICE_FEED_PATH, self.price_feed)
        app.router.add_post("/api/v1/common/download-url", self.download_url)
        app.router.add_get("/files/{path:.+}", self.serve_file)
        app.router.add_post("/{model}/v1/chat/completions", chat_completion)
        app.on_cleanup.append(self._close)
        return app

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/files/") or request.path == PRICE_FEED_PATH:
            return await handler(request)  # type: ignore[no-any-return]  # public at KIE too
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        wanted = self.faults.api_key
        if not token or (wanted is not None and token != wanted):
            return envelope(401, "You do not have access permissions")
        return await handler(request)  # type: ignore[no-any-return]

    async def _close(self, _app: web.Application) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    # -- creating tasks ---------------------------------------------------------------------

    def _create_handler(self, family: ApiFamily) -> Any:
        async def handler(request: web.Request) -> web.Response:
            return await self.create(request, family)

        return handler

    def _spec(self, family: ApiFamily, body: Mapping[str, Any]) -> ModelSpec | None:
        if family is ApiFamily.MARKET:
            spec = self.catalog.get(str(body.get("model", "")))
            return spec if spec is not None and spec.api is ApiFamily.MARKET else None
        return next((s for s in self.catalog if s.api is family and s.endpoint is None), None)

    # -- follow-ups (a model's own endpoint) ---------------------------------------------------

    def _add_followups(self, app: web.Application) -> None:
        """A route per follow-up endpoint, and its record-info when not its family's."""
        known = set(STATUS_PATHS.values())
        # Models sharing a path (Suno's upload-cover: the cover follow-up and the cover of an
        # uploaded track) get one route that picks the spec by the body.
        shared: dict[tuple[str, str], list[ModelSpec]] = {}
        for spec in self.catalog:
            own = spec.endpoint
            if own is not None:
                shared.setdefault((own.method.upper(), own.create), []).append(spec)
        for (method, path), specs in shared.items():
            first = specs[0]
            if len(specs) > 1:
                handler = self._shared_handler(tuple(specs))
            elif first.endpoint is not None and first.endpoint.repeat:
                handler = self._repeat_handler(first)
            else:
                handler = self._followup_handler(first)
            app.router.add_route(method, path, handler)
            for spec in specs:
                own = spec.endpoint
                if own is not None and own.status and own.status not in known:
                    known.add(own.status)
                    app.router.add_get(own.status, self._followup_status(own.result))

    def _followup_handler(self, spec: ModelSpec) -> Any:
        async def handler(request: web.Request) -> web.Response:
            try:
                body = await request.json()
            except ValueError:
                return envelope(400, "request body is not JSON")
            if not isinstance(body, dict):
                return envelope(400, "request body is not a JSON object")
            return self._take(spec.api, spec, body, body)

        return handler

    def _shared_handler(self, specs: tuple[ModelSpec, ...]) -> Any:
        async def handler(request: web.Request) -> web.Response:
            try:
                body = await request.json()
            except ValueError:
                return envelope(400, "request body is not JSON")
            if not isinstance(body, dict):
                return envelope(400, "request body is not a JSON object")
            return self._take(specs[0].api, sharing_spec(self.tasks, specs, body), body, body)

        return handler

    def _followup_status(self, result: str) -> Any:
        build = FOLLOWUP_STATUS[result]

        async def handler(request: web.Request) -> web.Response:
            task = self.tasks.get(request.query.get("taskId", ""))
            if task is None:
                return envelope(422, "recordInfo is null")
            return envelope(200, "success", build(task, task.done(time.monotonic())))

        return handler

    def _repeat_handler(self, spec: ModelSpec) -> Any:
        async def handler(request: web.Request) -> web.Response:
            if request.method == "GET":
                body: Any = dict(request.query)
            else:
                try:
                    body = await request.json()
                except ValueError:
                    return envelope(400, "request body is not JSON")
            if not isinstance(body, dict):
                return envelope(400, "request body is not a JSON object")
            return self._repeat(spec, request.path, body)

        return handler

    def _repeat(self, spec: ModelSpec, path: str, body: dict[str, Any]) -> web.Response:
        """1080p answers at once; 4K "is processing" until the sandbox's delay has passed;
        timestamped lyrics are answered at once."""
        payload = {k: v for k, v in body.items() if k != "callBackUrl"}
        index = payload.get("index", 0)
        if isinstance(index, str) and index.isdigit():
            payload["index"] = index = int(index)
        if spec.endpoint is not None and spec.endpoint.result == OMNI_AUDIO:
            problem = validate_input(spec, payload)
            if problem is not None:
                return envelope(422, problem)
            return envelope(200, "success", create_voice(self.tasks, spec, payload))
        if spec.endpoint is not None and spec.endpoint.result == OMNI_CHARACTER:
            problem = validate_input(spec, payload) or parent_problem(self.tasks, spec, payload)
            if problem is not None:
                return envelope(422, problem)
            return envelope(200, "success", create_character(self.tasks, spec, payload))
        answered = ANSWERED_AT_ONCE.get(spec.endpoint.result if spec.endpoint else "")
        if answered is not None:
            problem = validate_input(spec, payload) or parent_problem(self.tasks, spec, payload)
            if problem is not None:
                return envelope(422, problem)
            return envelope(200, "success", answered(self.tasks, payload))
        problem = parent_problem(self.tasks, spec, payload)
        if problem is not None:
            return envelope(422, problem)
        task_id, now = str(payload.get("taskId")), time.monotonic()
        key = (path, task_id, int(index))
        if key not in self.repeats:
            url = self._store_result(f"{spec.code}/{task_id}/{index}", spec.output.value)
            self.repeats[key] = (url, now)
            if spec.endpoint is not None and spec.endpoint.result == "veo-4k":
                return envelope(200, "success", {"taskId": task_id, "resultUrls": None})
        url, started = self.repeats[key]
        if now - started < self.faults.delay:
            return envelope(422, PROCESSING, {"taskId": task_id, "resultUrls": None})
        return envelope(200, "success", {"taskId": task_id, "resultUrl": url, "resultUrls": [url]})

    def _store_result(self, name: str, output: str) -> str:
        path = f"results/{name}{EXTENSIONS[output]}"
        size = self.faults.result_size
        self.files.put(path, result_bytes(output), CONTENT_TYPES[output], size)
        return f"{self.base_url}/files/{path}"

    async def create(self, request: web.Request, family: ApiFamily) -> web.Response:
        """createTask (Market) and the dedicated generate endpoints."""
        try:
            body = await request.json()
        except ValueError:
            return envelope(400, "request body is not JSON")
        if not isinstance(body, dict):
            return envelope(400, "request body is not a JSON object")
        spec = self._spec(family, body)
        if spec is None:
            return envelope(422, f"model {body.get('model')!r} is not supported")
        payload = body.get("input") if family is ApiFamily.MARKET else body
        if not isinstance(payload, dict):
            return envelope(422, "input must be an object")
        if self.faults.create_hold > 0:
            self.holding += 1
            try:
                await asyncio.sleep(self.faults.create_hold)
            finally:
                self.holding -= 1
        return self._take(family, spec, body, payload)

    def _take(
        self, family: ApiFamily, spec: ModelSpec, body: dict[str, Any], payload: dict[str, Any]
    ) -> web.Response:
        payload = {k: v for k, v in payload.items() if k != "callBackUrl"}
        problem = validate_input(spec, payload) or parent_problem(self.tasks, spec, payload)
        if problem is not None:
            return envelope(422, problem)
        return self._accept(family, spec, body, payload)

    def _accept(
        self, family: ApiFamily, spec: ModelSpec, body: dict[str, Any], payload: dict[str, Any]
    ) -> web.Response:
        faults = self.faults
        marks = markers_in(payload.values())
        if faults.take("rate_limit_creates") or (
            "429" in marks and first_time(faults, "429", payload)
        ):
            return envelope(429, "Rate limited: request limit exceeded", status=429)
        if faults.take("maintenance_creates") or (
            "455" in marks and first_time(faults, "455", payload)
        ):
            return envelope(455, "Service unavailable: system maintenance")
        task = self._new_task(family, spec, body, payload, marks)
        if faults.take("server_error_creates") or (
            "500" in marks and first_time(faults, "500", payload)
        ):
            return envelope(500, "Server error")  # the task exists nevertheless
        return envelope(200, "success", {"taskId": task.task_id})

    def _new_task(
        self,
        family: ApiFamily,
        spec: ModelSpec,
        body: dict[str, Any],
        payload: dict[str, Any],
        marks: set[str],
    ) -> SandboxTask:
        faults = self.faults
        task = SandboxTask(
            task_id=f"sandbox_{uuid.uuid4().hex}",
            family=family,
            model=spec.id,
            request=body,
            output=spec.output_for(payload).value,
            created=time.monotonic(),
            delay=faults.slow_delay if "slow" in marks else faults.delay,
            fail=faults.fail_all or "fail" in marks,
            lost_callback=faults.lose_callbacks or "lost-callback" in marks,
            dup_callback=faults.duplicate_callbacks or "dup-callback" in marks,
            credits=_consumed(spec, body, "overcharge" in marks),
            queued="queued" in marks,
        )
        self._make_results(task, result_count(spec, payload))
        self.tasks[task.task_id] = task
        url = body.get("callBackUrl")
        if isinstance(url, str) and url and not task.lost_callback:
            self._spawn(self._call_back(task, url))
        return task

    def _make_results(self, task: SandboxTask, count: int) -> None:
        if task.output == "text":
            task.result_text = f"sandbox transcript for {task.task_id}"
            return
        for index in range(count):
            task.result_urls.append(self._store_result(f"{task.task_id}/{index + 1}", task.output))

    # -- callbacks --------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _call_back(self, task: SandboxTask, url: str) -> None:
        await asyncio.sleep(task.delay)
        for _ in range(2 if task.dup_callback else 1):
            await self._post_callback(task, url)

    async def _post_callback(self, task: SandboxTask, url: str) -> None:
        headers = {}
        if self.faults.webhook_key:
            stamp = str(int(time.time()))
            headers["X-Webhook-Timestamp"] = stamp
            headers["X-Webhook-Signature"] = sign(self.faults.webhook_key, task.task_id, stamp)
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        try:
            async with self._http.post(url, json=callback_body(task), headers=headers) as reply:
                await reply.read()
            self.callbacks_sent += 1
        except aiohttp.ClientError as exc:
            log.warning("sandbox callback for %s failed: %s", task.task_id, exc)

    # -- status, files, account -------------------------------------------------------------

    def _status_handler(self, family: ApiFamily) -> Any:
        async def handler(request: web.Request) -> web.Response:
            if self.faults.take("status_errors"):
                return envelope(500, "Server error")
            task = self.tasks.get(request.query.get("taskId", ""))
            if task is None or task.family is not family:
                return envelope(422, "recordInfo is null")
            return envelope(200, "success", status_data(task))

        return handler

    async def upload(self, request: web.Request) -> web.Response:
        """file-stream-upload: keep the bytes, answer with a /files/ download URL."""
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return envelope(400, "file is required")
        data = upload.file.read()
        name = str(form.get("fileName") or upload.filename or uuid.uuid4().hex)
        folder = str(form.get("uploadPath") or "uploads").strip("/")
        path = f"{folder}/{uuid.uuid4().hex[:8]}/{name}"
        mime = upload.content_type or "application/octet-stream"
        self.files.put(path, data, mime)
        info = {
            "fileName": name,
            "filePath": path,
            "downloadUrl": f"{self.base_url}/files/{path}",
            "fileSize": len(data),
            "mimeType": mime,
        }
        return web.json_response({"success": True, "code": 200, "msg": "uploaded", "data": info})

    async def price_feed(self, request: web.Request) -> web.Response:
        """KIE's public price feed, as the catalog quotes it: one row per priced model,
        "<model id>, from" at its lowest price (times `faults.price_factor`)."""
        try:
            body = await request.json()
        except ValueError:
            body = {}
        page = body.get("pageNum", 1) if isinstance(body, dict) else 1
        size = body.get("pageSize", 100) if isinstance(body, dict) else 100
        if not (isinstance(page, int) and isinstance(size, int) and page >= 1 and 1 <= size <= 100):
            return envelope(422, "pageNum and pageSize (1-100) are required")
        rows = feed_rows(self.catalog, self.faults.price_factor)
        pages = max(1, -(-len(rows) // size))
        records = rows[(page - 1) * size : page * size]
        return envelope(200, "success", {"records": records, "total": len(rows), "pages": pages})

    async def credit(self, _request: web.Request) -> web.Response:
        """The account's credits."""
        return envelope(200, "success", self.faults.credits)

    async def download_url(self, request: web.Request) -> web.Response:
        """download-url: only our own file URLs are accepted."""
        body = await request.json()
        url = body.get("url") if isinstance(body, dict) else None
        if not isinstance(url, str) or not url.startswith(f"{self.base_url}/files/"):
            return envelope(422, "only KIE-generated URLs are supported")
        return envelope(200, "success", url)

    async def serve_file(self, request: web.Request) -> web.StreamResponse:
        """A stored upload or result (a big one written out in pieces)."""
        stored = self.files.get(request.match_info["path"])
        if stored is None:
            raise web.HTTPNotFound()
        if stored.length == len(stored.data):
            return web.Response(body=stored.data, content_type=stored.content_type)
        response = web.StreamResponse(headers={"Content-Type": stored.content_type})
        response.content_length = stored.length
        await response.prepare(request)
        if request.method != "HEAD":
            for piece in stored.pieces():
                await response.write(piece)
        await response.write_eof()
        return response


def _consumed(spec: ModelSpec, body: dict[str, Any], overcharge: bool) -> float:
    """What KIE would report as consumed: the catalog's quote (ten times it when asked to:
    a price KIE raised)."""
    given = body.get("input")
    values: dict[str, Any] = given if isinstance(given, dict) else body
    quoted = credits_for(spec, values) if spec.cost is not None else None
    consumed = float(quoted) if quoted is not None else 4.0
    return consumed * 10 if overcharge else consumed
