"""The admin's on/off switches: a model, or one option value of a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.billing.ports import SwitchStore
from kiegram.catalog.spec import dump_value


def option_key(name: str, value: Any) -> str:
    """The switch name of one option value, e.g. "resolution=1080p"."""
    return f"{name}={dump_value(value)}"


class SwitchBoard:
    """A snapshot of the switches; anything never switched is on."""

    def __init__(self, states: Mapping[tuple[str, str], bool]) -> None:
        self._off = frozenset(key for key, on in states.items() if not on)

    def model_on(self, model_id: str) -> bool:
        """True unless the whole model is switched off."""
        return (model_id, "") not in self._off

    def option_on(self, model_id: str, name: str, value: Any) -> bool:
        """True unless this option value of the model is switched off."""
        return (model_id, option_key(name, value)) not in self._off

    def allows(self, model_id: str, values: Mapping[str, Any]) -> bool:
        """True when the model and every chosen value are on (check again at confirm)."""
        if not self.model_on(model_id):
            return False
        return all(self.option_on(model_id, name, value) for name, value in values.items())


class ModelSwitches:
    """Reads and flips switches in storage; every instance sees a change on its next read."""

    def __init__(self, store: SwitchStore) -> None:
        self._store = store

    async def board(self) -> SwitchBoard:
        """The current switches."""
        return SwitchBoard(await self._store.switches())

    async def set_model(self, model_id: str, on: bool) -> None:
        """Switch a whole model on or off."""
        await self._store.set_switch(model_id, "", on)

    async def set_option(self, model_id: str, name: str, value: Any, on: bool) -> None:
        """Switch one option value of a model on or off."""
        await self._store.set_switch(model_id, option_key(name, value), on)
