"""Where an update outer middleware runs relative to aiogram's FSM middleware."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher


def before_conversation(dp: Dispatcher, middleware: Any) -> None:
    """Register an update outer middleware so it runs before aiogram's FSM middleware.

    The FSM middleware takes the user's conversation lock (across instances, with Redis) and
    reads the conversation: the update gate's claim must come first, or a re-sent update
    waits for a dead instance's lock only to find the update claimed. It is moved behind
    `middleware` (it was the last one aiogram registered; later ones stay after it).
    """
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.update.outer_middleware(middleware)
    dp.update.outer_middleware(dp.fsm)
