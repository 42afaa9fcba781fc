"""Confirming a generation: price, then a free use or a hold, then the job in the background."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from kiegram.billing import (
    FreeQuota,
    FreeStatus,
    HoldStatus,
    Ledger,
    ModelSwitches,
    PriceRules,
    UnknownUser,
    utc_today,
)
from kiegram.billing.ports import UserStore
from kiegram.bot.callbacks import Nav
from kiegram.bot.conversation import Conversation
from kiegram.bot.progress import Progress
from kiegram.catalog import ModelSpec
from kiegram.errors import KiegramError
from kiegram.jobs import JobService
from kiegram.wizard import build_payload

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Charge:
    """How a confirmed generation is paid: its price and the key of its hold or free use."""

    cost: int
    hold_key: str | None


class Desk:
    """Turns a confirmed wizard into a paid, stored, submitted job."""

    def __init__(
        self,
        rules: PriceRules,
        ledger: Ledger,
        quota: FreeQuota,
        users: UserStore,
        jobs: JobService,
        admin_ids: frozenset[int],
        progress: Progress | None = None,
        switches: ModelSwitches | None = None,
    ) -> None:
        self.rules = rules
        self.ledger = ledger
        self.quota = quota
        self.users = users
        self.jobs = jobs
        self.admin_ids = admin_ids
        self.progress = progress
        self.switches = switches
        self._tasks: set[asyncio.Task[Any]] = set()

    async def confirm(
        self,
        conv: Conversation,
        spec: ModelSpec,
        values: dict[str, Any],
        user_id: int,
        username: str | None,
        sid: str,
    ) -> None:
        """Charge (or take a free use) once per wizard session, then submit in the background."""
        price = self.rules.price_for(spec, values)
        if price is None:
            await conv.bot.send_message(conv.chat_id, conv.t("bot.wizard.cost_unknown"))
            return
        if await self._switched_off(conv, spec, values):
            return
        await self.users.ensure(user_id, username, conv.lang)
        key = f"job:{user_id}:{sid}"
        charge = await self._charge(conv, user_id, price, key)
        if charge is None:
            return
        await conv.close()
        payload = build_payload(spec, values)
        message_id = await self._announce(conv, spec)
        task = asyncio.create_task(self._submit(conv, spec, payload, user_id, charge, message_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def outlook(
        self, spec: ModelSpec, values: dict[str, Any], user_id: int, t: Callable[..., str]
    ) -> str:
        """For the confirm screen: a free use left today, or the balance after paying."""
        price = self.rules.price_for(spec, values)
        if price is None or user_id in self.admin_ids:
            return ""
        if price == 0:
            return t("bot.wizard.free_model")
        if self.quota.eligible(price):
            left = await self.quota.left(user_id, utc_today())
            if left > 0:
                return t("bot.wizard.free", left=left, total=self.quota.per_day)
        try:
            balance = (await self.ledger.account(user_id)).balance
        except UnknownUser:
            balance = 0  # not stored before the first confirm
        return t("bot.wizard.balance_after", balance=t("bot.price.amount", amount=balance - price))

    async def _announce(self, conv: Conversation, spec: ModelSpec) -> int | None:
        """The progress message (edited through the stages later), before the job exists."""
        if self.progress is not None:
            return await self.progress.open(conv.chat_id, conv.lang, spec.id)
        await conv.bot.send_message(
            conv.chat_id, conv.t("bot.wizard.queued", model=spec.name.get(conv.lang))
        )
        return None

    async def _switched_off(
        self, conv: Conversation, spec: ModelSpec, values: dict[str, Any]
    ) -> bool:
        """Refuse a model or option the admin switched off after the wizard opened."""
        board = await self.switches.board(fresh=True) if self.switches is not None else None
        # The payload, not the answers: defaults the user never touched count too.
        if board is None or board.allows(spec.id, build_payload(spec, values)):
            return False
        key = "bot.wizard.model_off" if not board.model_on(spec.id) else "admin.option_off"
        await conv.bot.send_message(conv.chat_id, conv.t(key))
        return True

    async def _charge(
        self, conv: Conversation, user_id: int, price: int, key: str
    ) -> Charge | None:
        if user_id in self.admin_ids or price == 0:
            # A free model (KIE charges nothing) needs no hold and takes no free use.
            return Charge(0, None)
        if self.quota.eligible(price):
            free = await self.quota.use_free(user_id, utc_today(), key, price)
            if free.status is FreeStatus.TAKEN:
                return Charge(0, key)
            if free.status is FreeStatus.ALREADY_TAKEN:
                return None  # a double tap: the first one submitted
        held = await self.ledger.hold(user_id, price, key)
        if held.status is HoldStatus.PLACED:
            return Charge(price, key)
        if held.status is HoldStatus.INSUFFICIENT:
            text = conv.t(
                "bot.wizard.not_enough", short=held.shortfall, price=price, balance=held.balance
            )
            await conv.bot.send_message(conv.chat_id, text, reply_markup=_top_up(conv))
        elif held.status is HoldStatus.BLOCKED:
            await conv.bot.send_message(conv.chat_id, conv.t("bot.wizard.blocked"))
        return None

    async def _submit(
        self,
        conv: Conversation,
        spec: ModelSpec,
        payload: dict[str, Any],
        user_id: int,
        charge: Charge,
        message_id: int | None = None,
    ) -> None:
        try:
            job = await self.jobs.submit(
                spec.id,
                payload,
                user_id=user_id,
                chat_id=conv.chat_id,
                cost=Decimal(charge.cost),
                hold_key=charge.hold_key,
                lang=conv.lang,
            )
        except KiegramError as exc:
            log.warning("submit failed for user %s: %s", user_id, exc)
            await conv.bot.send_message(
                conv.chat_id, conv.t("bot.wizard.submit_failed", reason=type(exc).__name__)
            )
            return
        if self.progress is not None:
            await self.progress.attach(job, message_id)

    async def drain(self, timeout: float | None = None) -> int:
        """Wait for submissions in flight (graceful shutdown), up to `timeout` seconds; the
        number still running then."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        return len(self._tasks)


def _top_up(conv: Conversation) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=conv.t("bot.btn.balance"), callback_data=Nav(to="bal").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
