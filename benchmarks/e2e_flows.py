"""What the users of `bench_e2e.py` do: the real bot's flow and the echo bot's equivalent.

A flow is /start, a section, a model card, Start, a prompt, settings and confirm (the echo
flow sends the same mix of two messages and five button presses). `tick` paces each step.
A flow the bot broke off (a reply or button missing) is counted in `FAILURES`, not raised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable

from kiegram.testing import FakeUser

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
