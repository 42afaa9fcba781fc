"""The chat section's desk: a message in, a paid, streamed answer out.

In the update's handler (under the user's lock): the context is read and bounded, the price
of the longest answer is held (or a free use taken, when the operator lets the quota cover
chat), and the answer starts in a task of its own, so that `/cancel` (another update) can
stop it. The task streams the answer into the chat (`LiveAnswer`), then captures what the
tokens KIE reported cost (counted when KIE does not say), never more than the hold, and
stores both messages. A KIE failure releases the hold; a cancel captures what was consumed
until then (nothing when no piece arrived).

The answer is recorded in `chat_answers` before its hold, leased to this instance and renewed
while it streams; each edit records what the user sees and checks the cancel flag (set by
/cancel on any instance). A killed instance's answers are settled by `ChatRecovery` within
seconds; an answer whose lease another instance took is left to it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot

from kiegram.billing import FreeQuota, HoldStatus, Ledger, PriceRules
from kiegram.billing.ports import UserStore
from kiegram.billing.quota import utc_today
from kiegram.billing.results import FreeStatus
from kiegram.bot.chat_cancel import CancelFlags
from kiegram.bot.chat_live import LiveAnswer
from kiegram.bot.chat_types import (
    ChatStreamer,
    Finished,
    Footer,
    Question,
    Refused,
    Started,
)
from kiegram.catalog.chat_models import ChatModel, count_tokens, message_tokens
from kiegram.kie.chat import ChatMessage
from kiegram.kie.chat_stream import ChatChunk
from kiegram.kie.errors import KieError
from kiegram.scale.heartbeat import renewed
from kiegram.storage.chat_answers import AnswerRecord, SqlChatAnswers
from kiegram.storage.chat_history import SqlChatHistory, StoredMessage

log = logging.getLogger(__name__)
SYSTEM = (
    "You are a helpful assistant in a Telegram chat. Answer in the language of the user's "
    "last message. Be concise; use Markdown sparingly (bold, lists, code)."
)
HISTORY_ROWS = 200  # the newest messages read for the context (the budget cuts further)
TYPICAL_IN, TYPICAL_OUT = 1000, 500  # the exchange the section's "≈ N per message" prices
# An answer's lease, renewed every third of it while it streams: a killed instance's answer
# is taken by another (or by the restart) within this plus one recovery scan.
ANSWER_LEASE = 9.0
GIVE_BACK = -1  # the settlement recorded for an answer whose hold goes back
CANCEL_WAIT = 5.0  # /cancel on another instance waits this long for the answer to stop


@dataclass
class _Charge:
    key: str
    hold: int
    free: bool = False
    admin: bool = False  # nothing held, nothing to settle


class _Lost(Exception):
    """Another instance took this answer's lease (this one stalled): it settles the answer."""


class _Stopped(Exception):
    """/cancel on another instance raised the answer's flag."""


class _Watch:
    """Stops the answer's task from its heartbeat (a raised flag, a lost lease)."""

    def __init__(self, task: asyncio.Task[object] | None) -> None:
        self.task = task
        self.lost = False

    def stop(self, lost: bool) -> None:
        self.lost = lost
        if self.task is not None:
            self.task.cancel()


@dataclass
class ChatDesk:
    """Prices, holds, streams and settles chat answers; one running answer per user."""

    bot: Bot
    chat: ChatStreamer
    history: SqlChatHistory
    ledger: Ledger
    quota: FreeQuota
    users: UserStore
    rules: PriceRules
    admin_ids: frozenset[int]
    context_tokens: int
    edit_seconds: float
    free_chat: bool = False
    answers: SqlChatAnswers = field(kw_only=True)
    flags: CancelFlags = field(kw_only=True)
    owner: str = field(default="local", kw_only=True)  # this instance's name
    lease: float = field(default=ANSWER_LEASE, kw_only=True)
    running: dict[int, asyncio.Task[Finished]] = field(default_factory=dict)
    finished: dict[int, Finished] = field(default_factory=dict)  # the last answer per user

    def per_message(self, model: ChatModel) -> int:
        """The price of a typical exchange (shown in the section)."""
        return self.rules.units(model.credits(TYPICAL_IN, TYPICAL_OUT))

    def busy(self, user_id: int) -> bool:
        """True while the user's previous answer is still streaming."""
        task = self.running.get(user_id)
        return task is not None and not task.done()

    async def cancel(self, user_id: int) -> str | None:
        """Stop the user's running answer, here or on another instance: "stopped", or
        "stopping" when another instance has not stopped it yet; None when none runs."""
        task = self.running.get(user_id)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return "stopped"
        key = await self.answers.running(user_id)
        if key is None:
            return None
        await self.flags.raise_flag(key)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CANCEL_WAIT
        while loop.time() < deadline:
            await asyncio.sleep(0.2)
            if await self.answers.running(user_id) != key:
                return "stopped"
        return "stopping"

    async def ask(self, question: Question, footer: Footer) -> Started | Refused:
        """Hold the price of the longest answer and start streaming it."""
        if self.busy(question.user_id):
            return Refused("busy")
        messages = await self.context(question)
        if messages is None:
            return Refused("too_long")
        prompt = sum(message_tokens(m.content, len(m.images)) for m in messages)
        hold = max(1, self.rules.units(question.model.credits(prompt, question.model.max_output)))
        charge = await self._charge(question, hold, prompt)
        if isinstance(charge, Refused):
            return charge
        task = asyncio.create_task(self._answer(question, messages, charge, prompt, footer))
        self.running[question.user_id] = task
        return Started(charge.hold, charge.free)

    async def context(self, question: Question) -> list[ChatMessage] | None:
        """The system message, as much of the conversation as the budget takes, the new
        message; None when the new message alone is over the budget."""
        model = question.model
        budget = min(model.context - model.max_output, self.context_tokens)
        budget -= message_tokens(SYSTEM) + message_tokens(question.text, len(question.images))
        if budget < 0:
            return None
        earlier = await self.history.recent(question.user_id, question.conv, HISTORY_ROWS)
        kept: list[StoredMessage] = []
        for stored in reversed(earlier):
            cost = stored.tokens or message_tokens(stored.content, len(stored.images))
            if cost > budget:
                break
            budget -= cost
            kept.append(stored)
        kept.reverse()
        while kept and kept[0].role != "user":  # the context starts with a question
            kept.pop(0)
        return [
            ChatMessage("system", SYSTEM),
            *(ChatMessage(m.role, m.content, m.images if model.images else ()) for m in kept),
            ChatMessage("user", question.text, question.images),
        ]

    async def _charge(self, question: Question, hold: int, prompt: int) -> _Charge | Refused:
        user_id = question.user_id
        # A desk-style key: the orphan sweeper's ten minutes stay the last resort behind
        # `ChatRecovery`, which settles it within seconds of a death.
        key = f"job:{user_id}:chat-{uuid.uuid4().hex[:16]}"
        record = AnswerRecord(
            key,
            user_id,
            question.lang,
            question.model.id,
            question.conv,
            question.text,
            question.images,
            hold,
            prompt,
        )
        if not await self.answers.open(record, self.owner, self._lease):
            return Refused("busy")  # streaming on another instance
        charge = await self._hold(question, key, hold)
        if isinstance(charge, Refused):
            await self.answers.drop(key)
        return charge

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.lease)

    async def _hold(self, question: Question, key: str, hold: int) -> _Charge | Refused:
        user_id = question.user_id
        if user_id in self.admin_ids:
            return _Charge(key, 0, free=True, admin=True)
        await self.users.ensure(user_id, question.username, question.lang)
        if self.free_chat and self.quota.eligible(hold):
            free = await self.quota.use_free(user_id, utc_today(), key, hold)
            if free.status is FreeStatus.TAKEN:
                return _Charge(key, 0, free=True)
        held = await self.ledger.hold(user_id, hold, key)
        if held.status is HoldStatus.INSUFFICIENT:
            return Refused("short", hold, held.balance)
        if held.status is not HoldStatus.PLACED:
            return Refused("blocked")
        return _Charge(key, hold)

    async def _answer(
        self,
        question: Question,
        messages: list[ChatMessage],
        charge: _Charge,
        prompt: int,
        footer: Footer,
    ) -> Finished:
        live = LiveAnswer(self.bot, question.user_id, self.edit_seconds)
        watch = _Watch(asyncio.current_task())
        reported: ChatChunk | None = None
        outcome = "done"
        cut = False
        # "typing..." while KIE starts; not awaited first (it would delay the first token)
        typing = asyncio.create_task(self.bot.send_chat_action(question.user_id, "typing"))
        try:
            async with renewed(self.lease, lambda: self._beat(charge.key, watch)):
                reported, cut = await self._stream(question, messages, live, charge.key)
        except asyncio.CancelledError:
            outcome = "lost" if watch.lost else "cancelled"
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # settled and shown below; the canceller waits for that
        except _Stopped:
            outcome = "cancelled"
        except _Lost:
            outcome = "lost"
        except KieError as exc:
            log.warning("chat answer failed for user %s: %s", question.user_id, exc)
            outcome = "failed"
        except Exception:  # Telegram refused a piece (the user blocked the bot...): refund
            log.exception("chat answer for user %s could not be shown", question.user_id)
            outcome = "failed"
        finally:
            self.running.pop(question.user_id, None)
            await asyncio.gather(typing, return_exceptions=True)
        used_prompt = (reported.prompt_tokens if reported else None) or prompt
        used_out = (reported.completion_tokens if reported else None) or count_tokens(live.text)
        finished = Finished(live.text, 0, outcome, used_prompt, used_out, cut=cut)
        finished.first_shown_at = live.first_shown_at
        if outcome == "failed" or (outcome == "cancelled" and not live.started):
            units = GIVE_BACK
        else:
            units = self._units(question.model, charge, used_prompt, used_out)
        if outcome == "lost" or not await self.answers.settling(
            charge.key, self.owner, units, self._lease
        ):
            log.warning("chat answer %s: taken over by another instance", charge.key)
            finished.outcome = "lost"
            self.finished[question.user_id] = finished
            return finished
        await self._apply(charge, units)
        if units != GIVE_BACK:
            finished.units = units
            await self._store(question, finished)
        await self.answers.close(charge.key, self.owner)
        text, markup = footer(question, finished)
        try:
            if finished.outcome == "failed" and not live.started:
                await self.bot.send_message(question.user_id, text.strip(), reply_markup=markup)
            else:
                await live.finish(text, markup)
        except Exception:  # settled already; only the last edit is lost
            log.exception("chat answer's footer for user %s not shown", question.user_id)
        self.finished[question.user_id] = finished
        return finished

    async def _stream(
        self, question: Question, messages: list[ChatMessage], live: LiveAnswer, key: str
    ) -> tuple[ChatChunk | None, bool]:
        """Stream the answer into `live`, recording each edit; (KIE's usage, cut short)."""
        reported: ChatChunk | None = None
        recorded = ""
        async with aclosing(self.chat.stream(messages, model=question.model.id)) as stream:
            async for chunk in stream:
                await live.add(chunk.text)
                if live.shown != recorded:  # an edit went out: record it, look for a stop
                    recorded = live.shown
                    await self._checkpoint(key, live)
                if chunk.done:
                    reported = chunk
                elif count_tokens(live.text) > question.model.max_output:
                    return reported, True  # longer than we held for: the answer stops here
        return reported, False

    async def _checkpoint(self, key: str, live: LiveAnswer) -> None:
        message_id = live.ids[-1] if live.ids else None
        if not await self.answers.progress(key, self.owner, self._lease, live.shown, message_id):
            raise _Lost
        if await self.flags.raised(key):
            raise _Stopped

    async def _beat(self, key: str, watch: _Watch) -> None:
        """The lease renewed while no piece arrives; a lost lease or a stop ends the answer."""
        if not await self.answers.renew(key, self.owner, self._lease):
            watch.stop(lost=True)
        elif await self.flags.raised(key):
            watch.stop(lost=False)

    def _units(self, model: ChatModel, charge: _Charge, prompt: int, completion: int) -> int:
        """What the tokens cost (at most the hold); 0 when nothing is charged."""
        if charge.free:
            return 0
        return min(charge.hold, max(1, self.rules.units(model.credits(prompt, completion))))

    async def _apply(self, charge: _Charge, units: int) -> None:
        """Capture `units` (the rest goes back) or, for GIVE_BACK, give it all back."""
        if charge.admin:
            return
        if units == GIVE_BACK:
            if charge.free:
                await self.quota.return_free(charge.key)
            else:
                await self.ledger.release(charge.key)
        elif not charge.free:
            await self.ledger.capture(charge.key, used=units)

    async def _store(self, question: Question, finished: Finished) -> None:
        if not finished.text.strip():
            return
        asked = message_tokens(question.text, len(question.images))
        await self.history.add(
            question.user_id,
            question.conv,
            question.model.id,
            [
                ("user", question.text, question.images, asked, 0),
                ("assistant", finished.text, (), message_tokens(finished.text), finished.units),
            ],
        )

    async def aclose(self) -> None:
        """Stop every running answer (shutdown): each settles what it consumed."""
        tasks = [t for t in self.running.values() if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def new_conversation() -> str:
    """A fresh conversation id."""
    return uuid.uuid4().hex
