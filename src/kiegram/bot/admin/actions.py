"""The admin panel's actions: parse typed input, toggle switches, refund Stars."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from kiegram.billing import ModelSwitches, Payments, PaymentStatus, UserInfo
from kiegram.billing.cards import STARS, major
from kiegram.billing.ports import LedgerStore, UserStore
from kiegram.catalog import Catalog, ModelSpec
from kiegram.catalog.spec import dump_value
from kiegram.kie import KieError

log = logging.getLogger(__name__)
Credits = Callable[[], Awaitable[float]]
Reply = tuple[str, dict[str, Any]]  # a message key and its values


async def kie_credits(get: Credits | None, timeout: float = 5.0) -> float | None:
    """KIE's credit balance, or None when it cannot be read quickly."""
    if get is None:
        return None
    try:
        return await asyncio.wait_for(get(), timeout)
    except (KieError, TimeoutError) as exc:
        log.warning("KIE credits unavailable: %s", exc)
        return None


async def find_user(users: UserStore, query: str) -> UserInfo | None:
    """A user by numeric id or @username."""
    text = query.strip()
    if text.lstrip("-").isdigit():
        return await users.get(int(text))
    return await users.by_username(text)


def parse_amount(text: str) -> tuple[int, str] | None:
    """ "100 compensation for an outage" -> (100, "compensation for an outage")."""
    number, _sep, reason = text.strip().partition(" ")
    if not number.isdigit() or int(number) <= 0 or not reason.strip():
        return None
    return int(number), reason.strip()


@dataclass(frozen=True, slots=True)
class Target:
    """What a switch command names: a model, and maybe one option ("name=value")."""

    spec: ModelSpec
    option: str = ""

    @property
    def label(self) -> str:
        """ "model" or "model name=value"."""
        return f"{self.spec.id} {self.option}".strip()


def parse_target(catalog: Catalog, text: str) -> Target | Reply:
    """Read "<model> [name=value]"; a reply explaining the problem otherwise."""
    parts = text.split()
    spec = catalog.get(parts[0]) if parts else None
    if spec is None:
        return "admin.switch_unknown_model", {"text": text.strip()[:100]}
    if len(parts) == 1:
        return Target(spec)
    name, _eq, value = parts[1].partition("=")
    known = _option_values(spec)
    if value not in known.get(name, ()):
        listing = "; ".join(f"{n}={'|'.join(vs)}" for n, vs in known.items()) or "—"
        return "admin.switch_unknown_option", {
            "model": spec.id,
            "option": parts[1],
            "known": listing,
        }
    return Target(spec, f"{name}={value}")


def _option_values(spec: ModelSpec) -> dict[str, list[str]]:
    """Each choice input's values as switch names spell them."""
    return {i.name: [dump_value(o.value) for o in i.options] for i in spec.inputs if i.options}


async def toggle(switches: ModelSwitches, target: Target) -> bool:
    """Flip a model or an option; returns its new state (True = on)."""
    board = await switches.board(fresh=True)
    spec = target.spec
    if not target.option:
        on = not board.model_on(spec.id)
        await switches.set_model(spec.id, on)
        return on
    name, _eq, value = target.option.partition("=")
    on = not board.option_on(spec.id, name, value)
    await switches.set_option(spec.id, name, value, on)
    return on


async def switched_off(switches: ModelSwitches, catalog: Catalog) -> list[str]:
    """Every switched-off model and option, as "model" or "model name=value"."""
    board = await switches.board(fresh=True)
    off: list[str] = []
    for spec in catalog.usable():
        if not board.model_on(spec.id):
            off.append(spec.id)
        for name, values in _option_values(spec).items():
            off += [
                f"{spec.id} {name}={v}" for v in values if not board.option_on(spec.id, name, v)
            ]
    return off


async def refund(bot: Bot, store: LedgerStore, payments: Payments, charge: str) -> Reply:
    """Refund a Stars payment through Telegram, then take its units back once. A card
    payment's money goes back through the provider's dashboard (the Bot API cannot refund
    it): here its units are taken back and the admin is told so."""
    payment = await store.payment(charge)
    if payment is None:
        return "admin.refund_not_found", {"charge": charge}
    if payment.currency != STARS:
        result = await payments.refund_payment(charge)
        if result.status is PaymentStatus.ALREADY_REFUNDED:
            return "admin.refund_already", {"charge": charge}
        return "cards.refund_done", {
            "amount": major(payment.stars, payment.currency),
            "currency": payment.currency,
            "user": payment.user_id,
            "units": result.units,
            "unrecovered": result.unrecovered,
        }
    if payment.refunded_at is None:
        try:
            await bot.refund_star_payment(payment.user_id, charge)
        except TelegramAPIError as exc:
            # Refunded earlier in Telegram but not recorded here (a crash in between): record it.
            if "ALREADY_REFUNDED" not in str(exc).upper():
                return "admin.refund_failed", {"error": str(exc)[:200]}
    result = await payments.refund_payment(charge)
    if result.status is PaymentStatus.ALREADY_REFUNDED:
        return "admin.refund_already", {"charge": charge}
    return "admin.refund_done", {
        "stars": payment.stars,
        "user": payment.user_id,
        "units": result.units,
        "unrecovered": result.unrecovered,
    }
