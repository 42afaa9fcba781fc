"""The admin's on/off switches: a model, or one option value of a model."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kiegram.billing.ports import SwitchStore
from kiegram.catalog.spec import dump_value


def option_key(name: str, value: Any) -> str:
    """The switch name of one option value, e.g. "resolution=1080p"."""
    return f"{name}={dump_value(value)}"


class SwitchBoard:
    """A snapshot of the switches; anything never switched is on, except the models in
    `default_off` (the catalog's `off_by_default`), which are off until switched on."""

    def __init__(
        self, states: Mapping[tuple[str, str], bool], default_off: Iterable[str] = ()
    ) -> None:
        on = frozenset(key for key, value in states.items() if value)
        unswitched = frozenset((model_id, "") for model_id in default_off) - on
        self._off = frozenset(key for key, value in states.items() if not value) | unswitched

    def model_on(self, model_id: str) -> bool:
        """True unless the whole model is switched off (or off by default and never on)."""
        return (model_id, "") not in self._off

    def option_on(self, model_id: str, name: str, value: Any) -> bool:
        """True unless this option value of the model is switched off."""
        return (model_id, option_key(name, value)) not in self._off

    def allows(self, model_id: str, values: Mapping[str, Any]) -> bool:
        """True when the model and every chosen value are on (check again at confirm)."""
        if not self.model_on(model_id):
            return False
        return all(self.option_on(model_id, name, value) for name, value in values.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SwitchBoard) and other._off == self._off

    def __hash__(self) -> int:
        return hash(self._off)


class ModelSwitches:
    """Reads and flips switches in storage.

    Menus read the switches on nearly every update, so a board is reused for `max_age`
    seconds: this instance sees its own changes at once, other instances within `max_age`.
    What must be exact (the check at confirm, the admin's screens) asks for `fresh=True`,
    which reads the store again unless `alone`: this process makes every change (one
    long-polling or SQLite instance, as the composition root decides), so what it holds is
    exact. The models in `default_off` are off until a switch turns them on.
    """

    def __init__(
        self,
        store: SwitchStore,
        max_age: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        alone: bool = False,
        default_off: Iterable[str] = (),
    ) -> None:
        self._store = store
        self._default_off = frozenset(default_off)
        self._alone = alone
        self._max_age = max_age
        self._clock = clock
        self._board: SwitchBoard | None = None
        self._read_at = 0.0

    async def board(self, *, fresh: bool = False) -> SwitchBoard:
        """The switches: as read at most `max_age` seconds ago, or now when `fresh`."""
        if self._board is not None and self._alone:
            return self._board
        now = self._clock()
        if fresh or self._board is None or now - self._read_at >= self._max_age:
            self._board, self._read_at = (
                SwitchBoard(await self._store.switches(), self._default_off),
                now,
            )
        return self._board

    async def set_model(self, model_id: str, on: bool) -> None:
        """Switch a whole model on or off."""
        await self._store.set_switch(model_id, "", on)
        self._board = None

    async def set_option(self, model_id: str, name: str, value: Any, on: bool) -> None:
        """Switch one option value of a model on or off."""
        await self._store.set_switch(model_id, option_key(name, value), on)
        self._board = None
