"""The KIE simulator over real HTTP, driven by the real KieClient."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator

import pytest

from kiegram.catalog.kinds import InputKind
from kiegram.catalog.loader import load_catalog
from kiegram.catalog.spec import ModelSpec
from kiegram.kie import (
    ApiFamily,
    KieAuthError,
    KieClient,
    KieInvalidInput,
    KieMaintenance,
    KieNotFound,
    KieRateLimited,
    KieServerError,
    TaskState,
)
from kiegram.kie.retry import RetryPolicy
from kiegram.sandbox import SandboxServer, start_sandbox, tiny_png

ONCE = RetryPolicy(attempts=1)
NANO = {"prompt": "a red fox", "output_format": "png", "image_size": "1:1"}


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    server = await start_sandbox(catalog=load_catalog())
    yield server
    await server.close()


@pytest.fixture
async def kie(sandbox: SandboxServer) -> AsyncIterator[KieClient]:
    async with KieClient(
        "key",
        base_url=sandbox.base_url,
        upload_base_url=sandbox.base_url,
        create_policy=ONCE,
        read_policy=ONCE,
    ) as client:
        yield client


def nano_payload() -> dict[str, object]:
    spec = load_catalog().get("google/nano-banana")
    assert spec is not None
    payload = {i.name: i.default for i in spec.inputs if i.default is not None}
    return {**payload, "prompt": "a red fox"}


async def test_a_market_task_completes_with_a_valid_png(kie: KieClient) -> None:
    task_id = await kie.create_task(ApiFamily.MARKET, "google/nano-banana", nano_payload())
    status = await kie.get_status(ApiFamily.MARKET, task_id)
    assert status.state is TaskState.SUCCEEDED and len(status.result_urls) == 1
    png = await kie.download(status.result_urls[0], 1_000_000)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (8, 8)
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4 : idat])[0]
    assert len(zlib.decompress(png[idat + 4 : idat + 4 + length])) == 8 * (1 + 8 * 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"no_such_field": 1}, "unknown input fields: no_such_field"),
        ({"prompt": None}, "prompt is required"),
        ({"output_format": "gif"}, "output_format must be one of"),
    ],
)
async def test_invalid_requests_get_422_with_a_reason(
    kie: KieClient, change: dict[str, object], message: str
) -> None:
    payload = {k: v for k, v in {**nano_payload(), **change}.items() if v is not None}
    with pytest.raises(KieInvalidInput) as caught:
        await kie.create_task(ApiFamily.MARKET, "google/nano-banana", payload)
    assert caught.value.code == 422 and message in caught.value.message


async def test_an_unknown_model_is_refused(kie: KieClient) -> None:
    with pytest.raises(KieInvalidInput, match="not supported"):
        await kie.create_task(ApiFamily.MARKET, "no/such-model", NANO)


def minimal(spec: ModelSpec) -> dict[str, object]:
    """Required inputs and defaults, from defaults and first options (no media models)."""
    payload: dict[str, object] = {}
    for item in spec.inputs:
        if item.is_mode or not (item.required or item.default is not None):
            continue
        if item.default is not None:
            payload[item.name] = item.default
        elif item.options:
            payload[item.name] = item.options[0].value
        elif item.kind is InputKind.BOOLEAN:
            payload[item.name] = False
        elif item.kind in (InputKind.INTEGER, InputKind.NUMBER):
            payload[item.name] = item.min if item.min is not None else 1
        else:
            payload[item.name] = "a red fox in the snow"
    return payload


async def test_numbers_out_of_range_are_refused(kie: KieClient) -> None:
    spec, number = next(
        (s, i)
        for s in load_catalog().usable()
        if s.api.value == "market" and not any(x.is_media and x.required for x in s.inputs)
        for i in s.inputs
        if i.kind in (InputKind.INTEGER, InputKind.NUMBER) and i.max is not None and not i.options
    )
    assert number.max is not None
    payload = {**minimal(spec), number.name: number.max + 1}
    with pytest.raises(KieInvalidInput, match=f"{number.name} must be at most"):
        await kie.create_task(ApiFamily.MARKET, spec.id, payload)


async def test_configured_faults(kie: KieClient, sandbox: SandboxServer) -> None:
    faults = sandbox.faults
    faults.rate_limit_creates = 1
    with pytest.raises(KieRateLimited):
        await kie.create_task(ApiFamily.MARKET, "google/nano-banana", nano_payload())
    faults.maintenance_creates = 1
    with pytest.raises(KieMaintenance):
        await kie.create_task(ApiFamily.MARKET, "google/nano-banana", nano_payload())
    assert not sandbox.kie.tasks  # neither created anything
    faults.server_error_creates = 1
    with pytest.raises(KieServerError):
        await kie.create_task(ApiFamily.MARKET, "google/nano-banana", nano_payload())
    assert len(sandbox.kie.tasks) == 1  # a 500 after the task was made


async def test_prompt_markers_fail_and_slow_tasks(kie: KieClient) -> None:
    failing = await kie.create_task(
        ApiFamily.MARKET, "google/nano-banana", {**nano_payload(), "prompt": "x sandbox:fail"}
    )
    status = await kie.get_status(ApiFamily.MARKET, failing)
    assert status.state is TaskState.FAILED and status.fail_code == "501"
    slow = await kie.create_task(
        ApiFamily.MARKET, "google/nano-banana", {**nano_payload(), "prompt": "x sandbox:slow"}
    )
    assert (await kie.get_status(ApiFamily.MARKET, slow)).state is TaskState.RUNNING


async def test_unknown_task_and_bad_key(kie: KieClient, sandbox: SandboxServer) -> None:
    with pytest.raises(KieNotFound):
        await kie.get_status(ApiFamily.MARKET, "nope")
    sandbox.faults.api_key = "other"
    with pytest.raises(KieAuthError):
        await kie.get_credits()


@pytest.mark.parametrize(
    "family",
    [f for f in ApiFamily if f is not ApiFamily.MARKET and f is not ApiFamily.LUMA],
)
async def test_dedicated_apis_complete(kie: KieClient, family: ApiFamily) -> None:
    spec = next(s for s in load_catalog() if s.api.value == family.value)
    task_id = await kie.create_task(family, None, minimal(spec))
    status = await kie.get_status(family, task_id)
    assert status.state is TaskState.SUCCEEDED and status.result_urls
    assert await kie.download(status.result_urls[0], 1_000_000)


async def test_upload_credits_and_download_url(kie: KieClient, sandbox: SandboxServer) -> None:
    url = await kie.upload_file(tiny_png(), "face.png")
    assert url.startswith(f"{sandbox.base_url}/files/") and url.endswith("face.png")
    assert await kie.download(url, 10_000) == tiny_png()
    assert await kie.get_credits() == 1000.0
    assert await kie.download_url(url) == url
    with pytest.raises(KieInvalidInput):
        await kie.download_url("https://example.com/x.png")


async def test_a_held_create_is_in_flight_until_the_hold_ends_and_then_creates_its_task(
    sandbox: SandboxServer, kie: KieClient
) -> None:
    sandbox.kie.faults.create_hold = 1.0  # the kill drill lands its SIGKILL inside this wait
    create = asyncio.create_task(
        kie.create_task(ApiFamily.MARKET, "google/nano-banana", nano_payload())
    )
    for _ in range(1000):
        if sandbox.kie.holding:
            break
        await asyncio.sleep(0.01)
    assert sandbox.kie.tasks == {} and not create.done()  # reached KIE, not taken yet
    task_id = await create
    assert sandbox.kie.holding == 0 and list(sandbox.kie.tasks) == [task_id]
