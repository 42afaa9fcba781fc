"""Magic filters evaluated on the event loop.

aiogram 3.31 runs every filter that is not a coroutine function (a bare `F.text...` magic
filter, a `State` used as a filter) through `asyncio.to_thread`: a worker-thread hop per
check (~100-200 µs of CPU and two loop wake-ups), several times for each text message that
walks the routers. `When` wraps a magic filter in an async `Filter`, which aiogram awaits
in place; a state is given as `StateFilter(state)`.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.magic_filter import MagicFilter


class When(Filter):
    """Passes where the magic filter resolves truthy for the event (evaluated in place)."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)
