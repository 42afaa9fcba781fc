"""Typed callback payloads; every one packs to at most 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Nav(CallbackData, prefix="n"):
    """Menu navigation: menu, section, model card, history page, balance, help."""

    to: str
    arg: str = ""


class Go(CallbackData, prefix="g"):
    """Start the wizard for a model (by its short code)."""

    code: str


class Wz(CallbackData, prefix="w"):
    """A wizard button: `a` is the wizard action, `i` its small argument, `s` the session."""

    a: str
    i: str = ""
    s: str = ""


MAX_DATA_BYTES = 64  # Telegram's limit on a button's callback data


def wz_data(a: str, i: str = "", s: str = "") -> str:
    """`Wz(a=a, i=i, s=s).pack()` without building the model (a keyboard packs dozens);
    data aiogram would refuse (a separator in a value, over 64 bytes) goes through it, so
    it raises as aiogram does."""
    sep = Wz.__separator__
    data = sep.join((Wz.__prefix__, a, i, s))
    if data.count(sep) != 3 or len(data.encode()) > MAX_DATA_BYTES:
        return Wz(a=a, i=i, s=s).pack()
    return data


class JobAct(CallbackData, prefix="j"):
    """An action on a generation: cancel, repeat, vary, reuse the result."""

    a: str
    job: str


class LangPick(CallbackData, prefix="l"):
    """Switch the interface language."""

    lang: str


class Reuse(CallbackData, prefix="ru"):
    """One file of a result as another model's input: `f` the file, `t` the target model
    (-1: list the models that take it)."""

    job: str
    f: int
    t: int = -1


class Past(CallbackData, prefix="hp"):
    """A /history entry: send the job's result again with its buttons."""

    job: str


class Improve(CallbackData, prefix="pi"):
    """The prompt helper: `a` is go (rewrite), new (take the rewrite) or old (keep mine)."""

    a: str
    s: str = ""


class ChatAct(CallbackData, prefix="ch"):
    """The chat section: `a` is m (pick the model at index `i`), new (a new chat) or again
    (ask once more what a bot restart cut short)."""

    a: str
    i: int = -1
