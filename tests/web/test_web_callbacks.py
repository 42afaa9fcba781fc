"""KIE callbacks over real HTTP: authentic ones complete a job once; forged ones change nothing."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from web_stack import WEBHOOK_KEY, Stack, minimal_payload, stack_fixture  # noqa: F401

from kiegram.jobs.model import Job, JobState
from kiegram.web import sign

IMAGE = "google/nano-banana"


async def submit(stack: Stack, marker: str = "") -> Job:
    spec = stack.harness.catalog.get(IMAGE)
    assert spec is not None
    suffix = f"sandbox:{marker}" if marker else ""
    return await stack.harness.submit(IMAGE, minimal_payload(spec, suffix))


async def callbacks_arrive(stack: Stack, count: int) -> None:
    """Wait until the sandbox has sent ``count`` callbacks and they were handled."""
    for _ in range(500):
        if stack.sandbox.kie.callbacks_sent >= count:
            break
        await asyncio.sleep(0.01)
    assert stack.sandbox.kie.callbacks_sent >= count
    await stack.callbacks.drain()


async def state_of(stack: Stack, job: Job) -> JobState:
    stored = await stack.harness.service.store.get(job.id)
    assert stored is not None
    return stored.state


async def post(stack: Stack, body: object, headers: dict[str, str] | None = None) -> int:
    async with aiohttp.ClientSession() as session:
        data = body if isinstance(body, str) else None
        json_body = None if isinstance(body, str) else body
        async with session.post(
            f"{stack.url}/market", data=data, json=json_body, headers=headers or {}
        ) as reply:
            if reply.status == 200:
                assert await reply.json() == {"code": 200, "msg": "success"}
            return reply.status


def signed(task_id: str, stamp: int | None = None, key: str = WEBHOOK_KEY) -> dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    return {"X-Webhook-Timestamp": str(stamp), "X-Webhook-Signature": sign(key, task_id, stamp)}


def body_for(task_id: str) -> dict[str, object]:
    return {"code": 200, "msg": "ok", "data": {"taskId": task_id, "state": "success"}}


async def test_a_signed_callback_completes_the_job(stack: Stack) -> None:
    job = await submit(stack)
    await callbacks_arrive(stack, 1)
    assert await state_of(stack, job) is JobState.DELIVERED
    assert stack.harness.delivery.delivered[job.id] == 1
    assert stack.harness.settlement.captured[job.id] == 1


async def test_a_duplicated_callback_delivers_once(stack: Stack) -> None:
    job = await submit(stack, "dup-callback")
    await callbacks_arrive(stack, 2)
    assert job.task_id is not None
    await stack.harness.service.complete(job.task_id)
    assert await state_of(stack, job) is JobState.DELIVERED
    assert stack.harness.delivery.delivered[job.id] == 1
    assert stack.harness.settlement.captured[job.id] == 1


async def test_a_lost_callback_is_covered_by_polling(stack: Stack) -> None:
    job = await submit(stack, "lost-callback")
    assert await state_of(stack, job) is JobState.SUBMITTED
    await stack.harness.drive()
    assert await state_of(stack, job) is JobState.DELIVERED
    assert stack.harness.delivery.delivered[job.id] == 1


async def test_a_callback_adopts_a_task_whose_create_reply_was_lost(stack: Stack) -> None:
    job = await submit(stack, "500")
    assert job.state is JobState.PENDING and job.task_id is None
    await callbacks_arrive(stack, 1)
    assert await state_of(stack, job) is JobState.DELIVERED
    assert stack.harness.delivery.delivered[job.id] == 1
    assert len(stack.sandbox.kie.tasks) == 1


async def test_forged_stale_replayed_and_malformed_callbacks_change_nothing(stack: Stack) -> None:
    stack.sandbox.faults.lose_callbacks = True
    job = await submit(stack)
    task_id = job.task_id
    assert task_id is not None
    assert await post(stack, body_for(task_id), signed(task_id, key="not-the-key")) == 401
    assert await post(stack, body_for(task_id), signed(task_id, int(time.time()) - 301)) == 401
    assert await post(stack, body_for(task_id)) == 401  # no signature at all
    assert await post(stack, "this is not json", signed(task_id)) == 400
    assert await post(stack, {"code": 200, "data": {}}, signed(task_id)) == 400
    assert await post(stack, body_for("other-task"), signed(task_id)) == 401
    await stack.callbacks.drain()
    assert await state_of(stack, job) is JobState.SUBMITTED
    assert not stack.harness.delivery.delivered and not stack.harness.settlement.captured
    headers = signed(task_id)
    assert await post(stack, body_for(task_id), headers) == 200
    assert await post(stack, body_for(task_id), headers) == 401  # the same pair again
    await stack.callbacks.drain()
    assert await state_of(stack, job) is JobState.DELIVERED
    assert stack.harness.delivery.delivered[job.id] == 1


async def test_a_callback_body_is_not_trusted(stack: Stack) -> None:
    stack.sandbox.faults.lose_callbacks = True
    job = await submit(stack, "slow")
    assert job.task_id is not None
    # Authentic headers, but the body claims success while KIE still generates.
    assert await post(stack, body_for(job.task_id), signed(job.task_id)) == 200
    await stack.callbacks.drain()
    assert await state_of(stack, job) is JobState.SUBMITTED
    assert not stack.harness.delivery.delivered
