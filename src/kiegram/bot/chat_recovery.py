"""Settling the chat answers of a dead instance, within seconds, from what was recorded.

At start an instance takes the answers it held before a restart (its name is kept across
restarts: `scale.instance`); then, every few seconds, any answer whose owner's lease ran out.
What reached the user is captured (priced by its counted tokens, never more than the hold),
stored in the conversation and the cursor taken off; an answer nothing of which was shown is
given back. Either way the user is told, with a one-tap "ask again". An answer whose owner had
already decided its settlement is finished exactly that way (capture and release are each
once-only in billing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from kiegram.billing import FreeQuota, Ledger, PriceRules
from kiegram.billing.results import SettleStatus
from kiegram.bot.callbacks import ChatAct
from kiegram.bot.chat_desk import ANSWER_LEASE, GIVE_BACK
from kiegram.bot.chat_html import split_parts, to_html
from kiegram.bot.deps import Text, bind
from kiegram.catalog.chat_models import ChatModels, count_tokens, message_tokens
from kiegram.i18n.translator import Translator
from kiegram.storage.chat_answers import AnswerRecord, SqlChatAnswers
from kiegram.storage.chat_history import SqlChatHistory

log = logging.getLogger(__name__)
RECOVER_EVERY = 3.0  # seconds between looks for answers whose owner's lease ran out


def again_markup(_: Text) -> InlineKeyboardMarkup:
    """ "🔁 Ask again" and "🆕 New chat"."""
    again = InlineKeyboardButton(
        text=_("chat_recovery.btn.again"), callback_data=ChatAct(a="again").pack()
    )
    new = InlineKeyboardButton(text=_("chat.btn.new"), callback_data=ChatAct(a="new").pack())
    return InlineKeyboardMarkup(inline_keyboard=[[again], [new]])


@dataclass
class ChatRecovery:
    """Takes over and settles chat answers their instance left behind."""

    bot: Bot
    answers: SqlChatAnswers
    history: SqlChatHistory
    ledger: Ledger
    quota: FreeQuota
    rules: PriceRules
    models: ChatModels
    translator: Translator
    owner: str  # this instance's name (the same after a restart)
    lease: float = ANSWER_LEASE
    every: float = RECOVER_EVERY
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    async def start(self) -> None:
        """Settle what this instance left before its restart, then keep watching others."""
        await self._guarded(own=True)
        self._task = asyncio.create_task(self._watch())

    async def aclose(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await self._guarded(own=False)

    async def _guarded(self, own: bool) -> None:
        try:
            await self.recover(own=own)
        except Exception:  # a database hiccup must not end the watching
            log.exception("settling chat answers of dead instances failed; trying again")

    async def recover(self, own: bool = False) -> list[AnswerRecord]:
        """Take and settle answers whose lease ran out (and, with `own`, this instance's
        from before its restart); returns those this call settled."""
        lease = timedelta(seconds=self.lease)
        settled = []
        for key in await self.answers.stale(self.owner if own else None):
            record = await self.answers.take(key, self.owner, lease, own=own)
            if record is None:  # another instance took it first
                continue
            await self._settle(record)
            settled.append(record)
        return settled

    async def _settle(self, record: AnswerRecord) -> None:
        if record.units is not None:  # the owner had decided: finish it its way
            await self._apply(record.key, record.units)
            await self.answers.close(record.key, self.owner)
            return
        model = self.models.get(record.model)
        _ = bind(self.translator, record.lang)
        if record.shown.strip() and model is not None:
            out = count_tokens(record.shown)
            units = min(
                record.hold, max(1, self.rules.units(model.credits(record.prompt_tokens, out)))
            )
            captured = await self.ledger.capture(record.key, used=units)
            charged = captured.amount if captured.status is SettleStatus.CAPTURED else 0
            await self._store(record, charged)
            await self._uncursor(record)
            text = (
                _("chat_recovery.cut_shown", units=charged)
                if charged
                else _("chat_recovery.cut_free")
            )
        else:
            await self._apply(record.key, GIVE_BACK)
            text = _("chat_recovery.lost")
        log.warning(
            "chat answer %s of user %s settled after its instance died (%d chars shown)",
            record.key,
            record.user_id,
            len(record.shown),
        )
        await self.answers.leave_for_retry(record.key, self.owner)
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_message(record.user_id, text, reply_markup=again_markup(_))

    async def _apply(self, key: str, units: int) -> None:
        if units == GIVE_BACK:
            await self.ledger.release(key)
            await self.quota.return_free(key)
        else:  # a free or admin answer has no hold: nothing to capture
            await self.ledger.capture(key, used=units)

    async def _store(self, record: AnswerRecord, units: int) -> None:
        asked = message_tokens(record.question, len(record.images))
        await self.history.add(
            record.user_id,
            record.conv,
            record.model,
            [
                ("user", record.question, record.images, asked, 0),
                ("assistant", record.shown, (), message_tokens(record.shown), units),
            ],
        )

    async def _uncursor(self, record: AnswerRecord) -> None:
        """The last part shown again without the streaming cursor."""
        if record.message_id is None:
            return
        with contextlib.suppress(TelegramAPIError):
            await self.bot.edit_message_text(
                to_html(split_parts(record.shown)[-1]),
                chat_id=record.user_id,
                message_id=record.message_id,
            )
