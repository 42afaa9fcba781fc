"""What the chat desk takes and gives: a question, how an answer started or was refused,
how it ended, and the model client it streams from."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiogram.types import InlineKeyboardMarkup

from kiegram.catalog.chat_models import ChatModel
from kiegram.kie.chat import ChatMessage
from kiegram.kie.chat_stream import ChatChunk


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
    outcome: str  # done, cancelled, failed, lost (another instance settles it)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_shown_at: float | None = None
    cut: bool = False  # stopped at the model's longest answer


Footer = Callable[[Question, Finished], tuple[str, InlineKeyboardMarkup | None]]
"""The footer and buttons under a finished answer (or the failure's text when it failed)."""
