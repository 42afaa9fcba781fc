"""What the users of the load benchmarks do: the real bot's flow and the echo bot's
equivalent, and flows run one at a time (`sequential`, used by `bench_e2e.py` and
`bench_interleaved.py`).

A flow is /start, a section, a model card, Start, a prompt, settings and confirm (the echo
flow sends the same mix of two messages and five button presses). `tick` paces each step.
A flow the bot broke off (a reply or button missing) is counted in `FAILURES`, not raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import kit_path  # noqa: F401  (puts tests/ on the path for `kit`)
from e2e_bots import BotProcess
from kit import FakeUser
from kit.load import LoadTelegram, Samples

MODELS = ("Z-Image ·", "Nano Banana ·", "Flux 2 Pro ·", "Seedream 4.0 ·")
CONFIRM = "Запустить генерацию"
FAILURES: Counter[str] = Counter()
Flow = Callable[[FakeUser, int, Callable[[], Awaitable[object]]], Awaitable[None]]


async def real_flow(user: FakeUser, n: int, tick: Callable[[], Awaitable[object]]) -> None:
    """Start, section, model, Start, prompt, settings, confirm."""
    await tick()
    await user.send("/start")
    for text in ("Создать картинку", MODELS[n % len(MODELS)], "Начать"):
        await tick()
        await user.click(text)
    await tick()
    await user.send(f"a red fox in the snow, take {n}")
    for _ in range(8):
        buttons = user.buttons()
        if any(CONFIRM in b for b in buttons):
            break
        chosen = [b for b in buttons if "Далее" in b] or [b for b in buttons if "✅" in b]
        await tick()
        await user.click(chosen[0] if chosen else buttons[0])
    await tick()
    await user.click(CONFIRM)


async def echo_flow(user: FakeUser, n: int, tick: Callable[[], Awaitable[object]]) -> None:
    """The same mix: two messages and five button presses."""
    await tick()
    await user.send("/start")
    for data in ("n:sec:0", "g:z-image", "w:next::s"):
        await tick()
        await user.press_data(data)
    await tick()
    await user.send(f"a red fox in the snow, take {n}")
    for data in ("w:done::s", "w:ok::s"):
        await tick()
        await user.press_data(data)


async def guarded(
    flow: Flow, user: FakeUser, n: int, tick: Callable[[], Awaitable[object]]
) -> None:
    """Run a flow; one the bot broke (an update failed, a button never came) is counted."""
    try:
        await flow(user, n, tick)
    except AssertionError:
        FAILURES["flows broken off (a reply or button missing)"] += 1


async def nothing() -> None:
    """No pacing."""


async def sequential(
    telegram: LoadTelegram, flow: Flow, users: list[int], bot: BotProcess
) -> Samples:
    """One flow at a time, its job delivered and settled before the next (clean CPU per update:
    the generation's own work, delivery and capture, happens between the flows)."""
    telegram.reset()
    for n, uid in enumerate(users):
        await guarded(flow, telegram.user(uid), n, nothing)
        if bot.real:
            await received(telegram, [uid])
            await settled(bot)
    return telegram.reset()


async def settled(bot: BotProcess, timeout: float = 30) -> None:
    """Wait until no job is left unfinished (delivered, captured, marked)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if not await bot.unfinished():
            return
        await asyncio.sleep(0.02)


async def received(telegram: LoadTelegram, users: list[int], timeout: float = 60) -> str:
    """Wait until every user has got a photo; says how many did and how long it took.

    The time includes the sandbox's own generation time (KIE's account limit on creates is
    lifted for the sandbox: `e2e_bots.kiegram_bot`).
    """
    start = time.perf_counter()

    def got() -> int:
        return sum(telegram.sent_to[("sendphoto", uid)] >= 1 for uid in users)

    with contextlib.suppress(TimeoutError):
        await telegram.wait_for(lambda: got() == len(users), timeout)
    return f"{got()}/{len(users)} photos in {time.perf_counter() - start:.1f} s"
