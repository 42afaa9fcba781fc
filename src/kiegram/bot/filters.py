"""Magic filters evaluated on the event loop.

aiogram 3.31 runs every filter that is not a coroutine function (a bare `F.text...` magic
filter, a `State` used as a filter) through `asyncio.to_thread`: a worker-thread hop per
check (~100-200 µs of CPU and two loop wake-ups), several times for each text message that
walks the routers. `When` wraps a magic filter in an async `Filter`, which aiogram awaits
in place; a state is given as `StateFilter(state)`.

`Presses` is a router's filter on button presses: only the callback data its handlers can
take enters the router. aiogram tries a router's handlers one by one, and each
`CallbackData.filter` parses the data into a pydantic model first: a press of the wizard
walked ~20 handlers of six routers before its own, parsing its data at each.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.magic_filter import MagicFilter


class When(Filter):
    """Passes where the magic filter resolves truthy for the event (evaluated in place)."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)


class Presses(Filter):
    """Passes a button press whose data has the prefix of one of `kinds` (module doc).

    Only for a router (`router.callback_query.filter(Presses(...))`) whose every press
    handler takes one of these kinds: a press it refuses skips the router's handlers, and
    also its sub-routers.
    """

    def __init__(self, *kinds: type[CallbackData]) -> None:
        separators = {kind.__separator__ for kind in kinds}
        if len(separators) != 1:
            raise ValueError("the kinds of one router's presses share a separator")
        self.separator = separators.pop()
        self.prefixes = frozenset(kind.__prefix__ for kind in kinds)

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        return data is not None and data.partition(self.separator)[0] in self.prefixes
