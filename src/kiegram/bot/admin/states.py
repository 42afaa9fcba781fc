"""The admin panel's callback data and the FSM states of its typed input."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup


class Adm(CallbackData, prefix="adm"):
    """An admin button: `a` the action, `i` its small argument."""

    a: str
    i: str = ""


class AdminInput(StatesGroup):
    """What the admin's next text message answers."""

    user = State()  # an id or @username to look up
    amount = State()  # "<units> <reason>" for a grant or deduction
    switch = State()  # "<model> [name=value]" to toggle
    broadcast = State()  # the text to broadcast
    refund = State()  # a Telegram charge id
    promo = State()  # "<CODE> <units> <uses> [<days>]" for a new promo code
