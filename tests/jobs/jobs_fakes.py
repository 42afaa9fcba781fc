"""Fakes at the seams of the job lifecycle (Telegram delivery, billing) and a test harness."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.kinds import InputKind, MediaKind
from kiegram.catalog.spec import InputSpec, ModelSpec, dump_value
from kiegram.jobs.errors import DeliveryFailed
from kiegram.jobs.model import Job, ResultFile
from kiegram.jobs.poller import Poller
from kiegram.jobs.ports import JobStore
from kiegram.jobs.service import JobService
from kiegram.kie.client import KieClient
from kiegram.sandbox import tiny_mp3, tiny_mp4, tiny_png


async def no_sleep(_seconds: float) -> None:
    return None


class NoLimit:
    async def acquire(self) -> None:
        return None


def sandbox_client(base_url: str, key: str = "sandbox-key") -> KieClient:
    """A real KieClient over HTTP to the sandbox, with instant retries."""
    return KieClient(
        key, base_url=base_url, upload_base_url=base_url, sleep=no_sleep, limiter=NoLimit()
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class CountingDelivery:
    delivered: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    files: dict[str, list[ResultFile]] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    refuse: int = 0  # the next N deliveries raise DeliveryFailed

    async def deliver(self, job: Job, files: list[ResultFile]) -> None:
        if self.refuse > 0:
            self.refuse -= 1
            raise DeliveryFailed("telegram is down")
        self.delivered[job.id] += 1
        self.files[job.id] = files
        self.jobs[job.id] = job

    async def fail(self, job: Job) -> None:
        self.failed[job.id] += 1
        self.jobs[job.id] = job


@dataclass
class CountingSettlement:
    captured: Counter[str] = field(default_factory=Counter)
    released: Counter[str] = field(default_factory=Counter)

    async def capture(self, job: Job) -> None:
        self.captured[job.id] += 1

    async def release(self, job: Job) -> None:
        self.released[job.id] += 1

    def settled_once(self, job_id: str) -> bool:
        return self.captured[job_id] + self.released[job_id] == 1


MEDIA = {MediaKind.IMAGE: "photo.png", MediaKind.VIDEO: "clip.mp4", MediaKind.AUDIO: "voice.mp3"}
MEDIA_BYTES = {"photo.png": tiny_png, "clip.mp4": tiny_mp4, "voice.mp3": tiny_mp3}


class UploadingResolver:
    """Resolves ``tg:<name>`` by uploading a small file to KIE, as the bot does."""

    def __init__(self, client: KieClient) -> None:
        self._client = client
        self.uploads = 0

    async def resolve(self, ref: str) -> str:
        name = ref.removeprefix("tg:")
        self.uploads += 1
        return await self._client.upload_file(MEDIA_BYTES[name](), name)


def _value(spec: InputSpec) -> Any:
    if spec.default is not None and spec.as_string:
        return dump_value(spec.default)  # a number KIE documents as a string
    if spec.default is not None:
        return spec.default
    if spec.options:
        return spec.options[0].value
    if spec.kind is InputKind.MEDIA:
        return f"tg:{MEDIA[spec.media or MediaKind.IMAGE]}"
    if spec.kind is InputKind.MEDIA_LIST:
        return [f"tg:{MEDIA[spec.media or MediaKind.IMAGE]}"] * max(1, spec.min_items or 1)
    if spec.kind is InputKind.BOOLEAN:
        return False
    if spec.kind is InputKind.OBJECT_LIST:
        item = {f.name: _value(f) for f in spec.item_fields if f.required}
        return [item] * max(1, spec.min_items or 1)
    if spec.kind in (InputKind.INTEGER, InputKind.NUMBER):
        number = spec.min if spec.min is not None else 1
        return dump_value(number) if spec.as_string else number
    text = "a red fox in the snow, golden hour"
    if spec.min_length:
        text = text.ljust(spec.min_length, "!")
    return text[: spec.max_length] if spec.max_length else text


def minimal_payload(spec: ModelSpec, prompt_suffix: str = "") -> dict[str, Any]:
    """Every required input (and every input with a default), from defaults and first options."""
    payload: dict[str, Any] = {}
    # The mode choice is the wizard's own, never sent.
    wanted = [i for i in spec.inputs if (i.required or i.default is not None) and not i.is_mode]
    if spec.modes:  # the first mode's inputs only: KIE refuses two modes' inputs together
        others = {name for mode in spec.modes[1:] for name in mode.inputs}
        others -= set(spec.modes[0].inputs)
        wanted = [i for i in wanted if i.name not in others]
    for item in wanted:
        if not item.when:
            payload[item.name] = _value(item)
    for item in wanted:
        if item.when and all(payload.get(k) in v for k, v in item.when.items()):
            payload[item.name] = _value(item)
    if prompt_suffix and isinstance(payload.get("prompt"), str):
        payload["prompt"] = f"{payload['prompt']} {prompt_suffix}"
    return payload


@dataclass
class Harness:
    """One bot instance's job machinery over a shared store and the sandbox."""

    service: JobService
    poller: Poller
    delivery: CountingDelivery
    settlement: CountingSettlement
    clock: FakeClock
    catalog: Catalog

    async def drive(self, rounds: int = 40, step: float = 31.0) -> None:
        """Run the poller, moving the clock on, until nothing is due."""
        for _ in range(rounds):
            if not await self.store_unfinished():
                return
            await self.poller.run_once()
            self.clock.advance(step)

    async def store_unfinished(self) -> int:
        return len(await self.service.store.unfinished())

    async def submit(self, model_id: str, payload: Mapping[str, Any], **kw: Any) -> Job:
        return await self.service.submit(model_id, payload, user_id=1, chat_id=1, **kw)


def make_harness(
    store: JobStore,
    client: KieClient,
    catalog: Catalog,
    *,
    owner: str = "instance-a",
    callback_url: str | None = None,
    clock: FakeClock | None = None,
    delivery: CountingDelivery | None = None,
    settlement: CountingSettlement | None = None,
) -> Harness:
    clock = clock or FakeClock()
    delivery = delivery or CountingDelivery()
    settlement = settlement or CountingSettlement()
    service = JobService(
        store,
        client,
        catalog,
        UploadingResolver(client),
        delivery,
        settlement,
        callback_url=callback_url,
        owner=owner,
        clock=clock,
    )
    return Harness(service, Poller(service, batch=100), delivery, settlement, clock, catalog)
