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
    StarsPack,
    UnknownUser,
    utc_today,
)
from kiegram.billing.ports import UserStore
from kiegram.bot.callbacks import Nav
from kiegram.bot.conversation import Conversation, Rows
from kiegram.bot.progress import Progress
from kiegram.bot.routers.balance import Buy
from kiegram.catalog import ModelSpec
from kiegram.errors import KiegramError
from kiegram.jobs import Job, JobService
from kiegram.wizard import build_payload

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Charge:
    """How a confirmed generation is paid: its price and the key of its hold or free use."""

    cost: int
    hold_key: str | None


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the confirm says about paying: a free use, the balance left, or the shortfall
    with the top-up packs right under it."""

    text: str = ""
    rows: Rows | None = None


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
        packs: tuple[StarsPack, ...] = (),
    ) -> None:
        self.rules = rules
        self.ledger = ledger
        self.quota = quota
        self.users = users
        self.jobs = jobs
        self.admin_ids = admin_ids
        self.progress = progress
        self.switches = switches
        self.packs = packs
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
        # Stored in this update, right after the hold: should the instance die before the
        # update is answered, Telegram's retry finds the hold placed and stores the job, or
        # finds it stored (the poller sends a job its dead instance never sent).
        job, new = await self.jobs.enqueue(
            spec.id,
            build_payload(spec, values),
            user_id=user_id,
            chat_id=conv.chat_id,
            cost=Decimal(charge.cost),
            hold_key=charge.hold_key,
            lang=conv.lang,
        )
        # Announced before the wizard closes: an instance dying in between leaves the wizard
        # open, so Telegram's retry comes back here and announces (once more at most).
        message_id = await self._announce(conv, spec)
        await conv.close()
        if not new:
            # A retry of a confirm whose job was stored (its instance died before the wizard
            # closed): the user gets the progress message now, never silence; the first
            # instance, or the poller once its lease ran out, submits the job.
            if self.progress is not None:
                await self.progress.attach(job, message_id)
            return
        task = asyncio.create_task(self._submit(conv, job, message_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def outlook(
        self, spec: ModelSpec, values: dict[str, Any], user_id: int, t: Callable[..., str]
    ) -> Outlook:
        """For the confirm screen: a free use left today, the balance after paying, or what
        is missing with the packs that cover it (never a balance below zero)."""
        price = self.rules.price_for(spec, values)
        if price is None or user_id in self.admin_ids:
            return Outlook()
        if price == 0:
            return Outlook(t("bot.wizard.free_model"))
        if self.quota.eligible(price):
            left = await self.quota.left(user_id, utc_today())
            if left > 0:
                return Outlook(t("bot.wizard.free", left=left, total=self.quota.per_day))
        try:
            balance = (await self.ledger.account(user_id)).balance
        except UnknownUser:
            balance = 0  # not stored before the first confirm
        if balance < price:
            short = t("bot.wizard.short", price=price, balance=balance)
            return Outlook(short, self.pack_rows(t, price - balance))
        after = t("bot.price.amount", amount=balance - price)
        return Outlook(t("bot.wizard.balance_after", balance=after))

    def pack_rows(self, t: Callable[..., str], short: int) -> Rows:
        """The top-up packs, the ones that cover `short` first, then the balance screen."""
        packs = sorted(self.packs, key=lambda p: (p.units < short, p.units))[:3]
        rows = [
            [
                InlineKeyboardButton(
                    text=t("balance.pack", units=p.units, stars=p.stars),
                    callback_data=Buy(code=p.code).pack(),
                )
            ]
            for p in packs
        ]
        balance = InlineKeyboardButton(
            text=t("bot.btn.balance"), callback_data=Nav(to="bal").pack()
        )
        return [*rows, [balance]]

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
                return Charge(0, key)  # a retried confirm: its job is stored, or stored now
        held = await self.ledger.hold(user_id, price, key)
        if held.status is HoldStatus.PLACED:
            return Charge(price, key)
        if held.status is HoldStatus.ALREADY_PLACED:
            return Charge(price, key)  # a retried confirm: its job is stored, or stored now
        if held.status is HoldStatus.INSUFFICIENT:
            text = conv.t("bot.wizard.not_enough", price=price, balance=held.balance)
            rows = self.pack_rows(conv.t, held.shortfall)
            markup = InlineKeyboardMarkup(inline_keyboard=rows)
            await conv.bot.send_message(conv.chat_id, text, reply_markup=markup)
        elif held.status is HoldStatus.BLOCKED:
            await conv.bot.send_message(conv.chat_id, conv.t("bot.wizard.blocked"))
        return None

    async def _submit(self, conv: Conversation, job: Job, message_id: int | None = None) -> None:
        try:
            job = await self.jobs.send(job)
        except KiegramError as exc:
            log.warning("submit failed for user %s: %s", job.user_id, exc)
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
