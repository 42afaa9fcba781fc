"""Claims that notice a death in seconds: short, renewed while the work runs, and the name an
instance resumes its own work by kept across restarts."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from aiogram.types import Update
from kit import WebhookTelegram

from kiegram.scale import LocalUpdateGate
from kiegram.scale.dedup import BUSY, UpdateDedup
from kiegram.scale.heartbeat import renewed
from kiegram.scale.instance import InstanceName


async def test_a_claim_renewed_while_its_work_runs_outlives_its_period_then_runs_out() -> None:
    gate = LocalUpdateGate(0.3, 60)
    assert await gate.claim("1:1")
    async with renewed(0.3, lambda: gate.renew("1:1")):
        await asyncio.sleep(0.8)  # well past the claim period: renewed meanwhile
        assert not await gate.claim("1:1")
    await asyncio.sleep(0.4)  # its holder stopped renewing (died): the claim runs out
    assert await gate.claim("1:1")
    assert not await gate.handled("1:1")
    await gate.done("1:1")
    assert await gate.handled("1:1")


async def test_a_quick_block_starts_no_renewal() -> None:
    renewals: list[float] = []

    async def renew() -> None:
        renewals.append(time.monotonic())

    async with renewed(0.3, renew):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    assert renewals == []


def test_an_instance_keeps_its_name_across_restarts_and_a_second_live_one_gets_another(
    tmp_path: Path,
) -> None:
    first = InstanceName(tmp_path)
    beside = InstanceName(tmp_path)  # a second live process on the same DATA_DIR
    assert beside.name != first.name
    first.close()
    beside.close()
    restarted = InstanceName(tmp_path)
    assert restarted.name == first.name
    restarted.close()


async def test_an_update_claimed_by_a_dead_instance_is_handled_within_seconds(
    tmp_path: Path, pg_url: str
) -> None:
    from scale_kit import Instance
    from test_scale_webhook_gate import _settings

    telegram = WebhookTelegram(secret="s")
    await telegram.start()
    survivor = Instance("survivor", _settings(telegram, pg_url, tmp_path))
    await survivor.start()
    telegram.set_webhooks([survivor.webhook_url])
    try:
        assert survivor.app is not None
        user = telegram.user(21)
        await user.send("/start")
        # The next update was claimed by an instance that died before answering it.
        dead_claim = f"{survivor.app.bot.id}:{max(telegram.sent) + 1}"
        gate = next(m.gate for m in survivor.app.dp.update.outer_middleware if hasattr(m, "gate"))
        assert await survivor.call(gate.claim(dead_claim))
        started = time.monotonic()
        update_id = await telegram.push("message", user._message(text="/start"))
        await telegram.wait_consumed(update_id, timeout=10)
        took = time.monotonic() - started
        statuses = [d.status for d in telegram.deliveries if d.update_id == update_id]
        # The survivor waits for the dead claim to run out and handles the update on its
        # arrival: no 409, so Telegram's re-send pacing does not matter.
        assert statuses == [200]
        assert took < 5.0, took
        assert "Привет" in user.last_text()
    finally:
        await survivor.stop()
        await telegram.stop()


async def test_a_webhook_update_waits_out_a_dead_claim_but_not_a_live_one() -> None:
    gate = LocalUpdateGate(0.3, 60)
    dedup = UpdateDedup(gate, claim_seconds=0.3)
    handled: list[int] = []

    async def handler(event: Any, data: dict[str, Any]) -> str:
        handled.append(event.update_id)
        return "handled"

    def update(update_id: int) -> Update:
        return Update(update_id=update_id)

    # Claimed by an instance that died: the claim runs out while the re-send waits for it.
    assert await gate.claim("0:1")
    busy: list[str] = []
    assert await dedup(handler, update(1), {BUSY: busy}) == "handled"
    assert handled == [1] and busy == [] and await gate.handled("0:1")

    # Claimed by a live instance still at work (renewing): answered busy (409), not handled.
    assert await gate.claim("0:2")
    async with renewed(0.3, lambda: gate.renew("0:2")):
        assert await dedup(handler, update(2), {BUSY: busy}) is None
    assert handled == [1] and busy == ["0:2"]

    # Long polling (no webhook): a claim held elsewhere is not waited for.
    assert await gate.claim("0:3")
    assert await dedup(handler, update(3), {}) is None
    assert handled == [1]
