"""The prompt helper: one of KIE's chat models rewrites a prompt for the chosen model, paid
like a generation (hold, then capture, or release when KIE fails)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from kiegram.billing import HoldStatus, Ledger
from kiegram.billing.ports import UserStore
from kiegram.catalog import ModelSpec
from kiegram.kie.chat import DEFAULT_CHAT_MODEL, ChatMessage, ChatReply
from kiegram.kie.errors import KieError

log = logging.getLogger(__name__)

# What a rewrite is priced at, in KIE credits: a short gemini-2.5-flash exchange (~400 tokens
# in, ~150 out) costs KIE well under one; the user pays this fixed price, shown on the button.
HELPER_CREDITS = Decimal(1)
MAX_WORDS = 90


class ChatModel(Protocol):
    """The part of ``KieChat`` the helper uses."""

    async def complete(self, messages: list[ChatMessage], *, model: str = ...) -> ChatReply:
        """The model's answer."""


@dataclass(frozen=True, slots=True)
class Improved:
    """The rewritten prompt (paid)."""

    text: str
    english: bool


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing was rewritten: ``why`` is short (not enough credits), blocked or failed."""

    why: str
    price: int = 0
    balance: int = 0


def instructions(spec: ModelSpec, lang: str) -> str:
    """The system message: what a good prompt for this model is, and in which language."""
    kind = "video" if spec.output.value == "video" else "image"
    language = (
        "Write the prompt in English, translating the draft if needed."
        if spec.english_prompts
        else "Write the prompt in the language of the draft."
    )
    return (
        f"You rewrite prompts for {spec.name.get('en')}, an AI {kind} generation model. "
        "Keep the user's intent, subject and any text they want shown exactly; add concrete "
        "visual detail: subject, setting, composition, lighting, style"
        + (", camera movement" if kind == "video" else "")
        + f". At most {MAX_WORDS} words. {language} "
        "Reply with the prompt only: no quotes, no explanations."
    )


class PromptHelper:
    """Charges a fixed price, asks the chat model, settles the hold by the outcome."""

    def __init__(
        self,
        chat: ChatModel,
        ledger: Ledger,
        users: UserStore,
        price: int,
        admin_ids: frozenset[int],
        model: str = DEFAULT_CHAT_MODEL,
    ) -> None:
        self.chat = chat
        self.ledger = ledger
        self.users = users
        self.price = price
        self.admin_ids = admin_ids
        self.model = model

    async def improve(
        self, user_id: int, username: str | None, lang: str, spec: ModelSpec, draft: str
    ) -> Improved | Refused:
        """The rewritten draft, or why not (a failure gives the credits back)."""
        key = None
        if user_id not in self.admin_ids and self.price > 0:
            await self.users.ensure(user_id, username, lang)
            # A desk-style key: should this process die before settling, no job carries it and
            # the orphan sweeper releases it (it sweeps only `job:` keys).
            key = f"job:{user_id}:helper-{uuid.uuid4().hex[:16]}"
            held = await self.ledger.hold(user_id, self.price, key)
            if held.status is HoldStatus.INSUFFICIENT:
                return Refused("short", self.price, held.balance)
            if held.status is not HoldStatus.PLACED:
                return Refused("blocked")
        messages = [
            ChatMessage("system", instructions(spec, lang)),
            ChatMessage("user", draft),
        ]
        try:
            reply = await self.chat.complete(messages, model=self.model)
        except KieError as exc:
            log.warning("prompt helper failed for user %s: %s", user_id, exc)
            if key is not None:
                await self.ledger.release(key)
            return Refused("failed")
        if key is not None:
            await self.ledger.capture(key)
        return Improved(reply.text.strip().strip('"“”«»').strip(), spec.english_prompts)
