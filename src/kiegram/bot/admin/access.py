"""Filters: who is an admin, and which model a user asks for that the admin switched off."""

from __future__ import annotations

from typing import Any

from aiogram.filters import CommandObject, Filter
from aiogram.types import TelegramObject, User

from kiegram.billing import ModelSwitches
from kiegram.bot.deps import BotConfig
from kiegram.catalog import Catalog


class IsAdmin(Filter):
    """Passes for the configured admin ids only; everyone else falls through to other routers."""

    async def __call__(
        self, event: TelegramObject, config: BotConfig, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in config.admin_ids


class SwitchedOff(Filter):
    """Passes when the model a /model command or a Go button names is switched off.

    It sits in front of the wizard, so a switched-off model is refused before it starts.
    """

    async def __call__(
        self,
        event: TelegramObject,
        catalog: Catalog,
        switches: ModelSwitches | None = None,
        command: CommandObject | None = None,
        callback_data: Any = None,
    ) -> bool:
        if switches is None:
            return False
        if command is not None:
            key = (command.args or "").strip()
        else:
            key = str(getattr(callback_data, "code", ""))
        spec = catalog.get(key)
        return spec is not None and not (await switches.board()).model_on(spec.id)
