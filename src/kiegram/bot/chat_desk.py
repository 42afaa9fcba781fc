"""The chat section's desk: a message in, a paid, streamed answer out.

In the update's handler (under the user's lock): the context is read and bounded, the price
of the longest answer is held (or a free use taken, when the operator lets the quota cover
chat), and the answer starts in a task of its own, so that `/cancel` (another update) can
stop it. The task streams the answer into the chat (`LiveAnswer`), then captures what the
tokens KIE reported cost (counted when KIE does not say), never more than the hold, and
stores both messages. A KIE failure releases the hold; a cancel captures what was consumed
until then (nothing when no piece arrived).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Protocol

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from kiegram.billing import FreeQuota, HoldStatus, Ledger, PriceRules
from kiegram.billing.ports import UserStore
from kiegram.billing.quota import utc_today
from kiegram.billing.results import FreeStatus
from kiegram.bot.chat_live import LiveAnswer
from kiegram.catalog.chat_models import ChatModel, count_tokens, message_tokens
from kiegram.kie.chat import ChatMessage
from kiegram.kie.chat_stream import ChatChunk
from kiegram.kie.errors import KieError
from kiegram.storage.chat_history import SqlChatHistory, StoredMessage

log = logging.getLogger(__name__)
SYSTEM = (
    "You are a helpful assistant in a Telegram chat. Answer in the language of the user's "
    "last message. Be concise; use Markdown sparingly (bold, lists, code)."
)
HISTORY_ROWS = 200  # the newest messages read for the context (the budget cuts further)
TYPICAL_IN, TYPICAL_OUT = 1000, 500  # the exchange the section's "≈ N per message" prices


class ChatStreamer(Protocol):
    """The part of ``KieChat`` the chat uses."""

    def stream(
        self, messages: Sequence[ChatMessage], *, model: str = ...
    ) -> AsyncGenerator[ChatChunk, None]:
        """The answer's pieces."""


@dataclass(frozen=True, slots=True)
class Question:
    """What the user asked, in which conversation, of which model."""

    user_id: int
    username: str | None
    lang: str
    model: ChatModel
    conv: str
    text: str
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Started:
    """The answer is on its way (`hold` units held; 0 when free)."""

    hold: int
    free: bool = False


@dataclass(frozen=True, slots=True)
class Refused:
    """No answer: `why` is short (with the price and balance), blocked, busy or too_long."""

    why: str
    price: int = 0
    balance: int = 0


@dataclass
class Finished:
    """How an answer ended (for the footer and tests)."""

    text: str
    units: int
    outcome: str  # done, cancelled, failed
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_shown_at: float | None = None
    cut: bool = False  # stopped at the model's longest answer


Footer = Callable[[Question, Finished], tuple[str, InlineKeyboardMarkup | None]]
"""The footer and buttons under a finished answer (or the failure's text when it failed)."""


@dataclass
class _Charge:
    key: str | None
    hold: int
    free: bool = False


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
    running: dict[int, asyncio.Task[Finished]] = field(default_factory=dict)
    finished: dict[int, Finished] = field(default_factory=dict)  # the last answer per user

    def per_message(self, model: ChatModel) -> int:
        """The price of a typical exchange (shown in the section)."""
        return self.rules.units(model.credits(TYPICAL_IN, TYPICAL_OUT))

    def busy(self, user_id: int) -> bool:
        """True while the user's previous answer is still streaming."""
        task = self.running.get(user_id)
        return task is not None and not task.done()

    async def cancel(self, user_id: int) -> bool:
        """Stop the user's running answer; True when there was one."""
        task = self.running.get(user_id)
        if task is None or task.done():
            return False
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return True

    async def ask(self, question: Question, footer: Footer) -> Started | Refused:
        """Hold the price of the longest answer and start streaming it."""
        if self.busy(question.user_id):
            return Refused("busy")
        messages = await self.context(question)
        if messages is None:
            return Refused("too_long")
        prompt = sum(message_tokens(m.content, len(m.images)) for m in messages)
        hold = max(1, self.rules.units(question.model.credits(prompt, question.model.max_output)))
        charge = await self._charge(question, hold)
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

    async def _charge(self, question: Question, hold: int) -> _Charge | Refused:
        user_id = question.user_id
        if user_id in self.admin_ids:
            return _Charge(None, 0, free=True)
        await self.users.ensure(user_id, question.username, question.lang)
        # A desk-style key: if the process dies mid-answer, no job carries it and the orphan
        # sweeper releases it after ten minutes.
        key = f"job:{user_id}:chat-{uuid.uuid4().hex[:16]}"
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
        reported: ChatChunk | None = None
        outcome = "done"
        cut = False
        # "typing..." while KIE starts; not awaited first (it would delay the first token)
        typing = asyncio.create_task(self.bot.send_chat_action(question.user_id, "typing"))
        try:
            async with aclosing(self.chat.stream(messages, model=question.model.id)) as stream:
                async for chunk in stream:
                    await live.add(chunk.text)
                    if chunk.done:
                        reported = chunk
                    elif count_tokens(live.text) > question.model.max_output:
                        cut = True
                        break  # longer than we held for: the answer stops here
        except asyncio.CancelledError:
            outcome = "cancelled"
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # settled and shown below; the canceller waits for that
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
        if outcome == "failed" or (outcome == "cancelled" and not live.started):
            await self._give_back(charge)
            finished.outcome = "failed" if outcome == "failed" else "cancelled"
        else:
            finished.units = await self._settle(question.model, charge, used_prompt, used_out)
            await self._store(question, finished)
        finished.first_shown_at = live.first_shown_at
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

    async def _give_back(self, charge: _Charge) -> None:
        if charge.key is None:
            return
        if charge.free:
            await self.quota.return_free(charge.key)
        else:
            await self.ledger.release(charge.key)

    async def _settle(self, model: ChatModel, charge: _Charge, prompt: int, completion: int) -> int:
        """Capture what the tokens cost (at most the hold); the rest goes back."""
        if charge.key is None or charge.free:
            return 0
        used = min(charge.hold, max(1, self.rules.units(model.credits(prompt, completion))))
        await self.ledger.capture(charge.key, used=used)
        return used

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
