"""The update gate of a process alone with its bot (SQLite): in memory, bounded."""

from __future__ import annotations

from kiegram.scale import LocalUpdateGate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_claim_that_ran_out_passes_on_and_a_handled_update_is_forgotten_in_time() -> None:
    clock = Clock()
    gate = LocalUpdateGate(60, 3600, clock=clock)
    assert await gate.claim("1:5")
    clock.now += 59
    assert not await gate.claim("1:5")  # still being handled
    clock.now += 2  # the handler hung past its claim: Telegram's retry gets through
    assert await gate.claim("1:5")
    await gate.done("1:5")
    clock.now += 3599
    assert not await gate.claim("1:5")
    clock.now += 2
    assert await gate.claim("1:5")  # forgotten after the done period


async def test_handled_updates_are_remembered_up_to_the_limit_oldest_forgotten_first() -> None:
    gate = LocalUpdateGate(60, 3600, limit=3, clock=Clock())
    for n in range(5):
        assert await gate.claim(f"1:{n}")
        await gate.done(f"1:{n}")
    assert len(gate) == 3
    assert await gate.claim("1:0") and await gate.claim("1:1")  # the oldest two: forgotten
    assert not await gate.claim("1:2") and not await gate.claim("1:4")


async def test_a_new_process_handles_the_retry_of_an_update_a_crash_cut_short() -> None:
    """The database gate kept a crashed process's claim for CLAIM_SECONDS, so Telegram's
    retry was answered "handled elsewhere" and lost; a process alone starts with no claims."""
    before_crash = LocalUpdateGate(120, 3600)
    assert await before_crash.claim("1:9")  # killed while handling it
    after_restart = LocalUpdateGate(120, 3600)
    assert await after_restart.claim("1:9")
