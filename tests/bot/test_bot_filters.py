"""Every filter of the bot runs on the event loop (aiogram sends others to a thread)."""

from __future__ import annotations

from collections.abc import Iterator

from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Chat, Message

from kiegram.bot.dispatcher import build_dispatcher
from kiegram.bot.filters import When
from kiegram.i18n import load_translator


def filters(router: Router) -> Iterator[tuple[str, FilterObject]]:
    """(where, filter) of every handler and observer of a router and its sub-routers."""
    for name, observer in router.observers.items():
        for event_filter in observer._handler.filters or []:
            yield f"{router.name}.{name} (observer)", event_filter
        for handler in observer.handlers:
            for event_filter in handler.filters or []:
                yield f"{router.name}.{name}:{handler.callback.__name__}", event_filter
    for sub in router.sub_routers:
        yield from filters(sub)


def test_no_filter_of_the_bot_is_sent_to_a_worker_thread() -> None:
    dp = build_dispatcher(MemoryStorage(), load_translator())
    found = list(filters(dp))
    assert len(found) > 20  # the walk reaches the feature routers' filters
    threaded = [where for where, event_filter in found if not event_filter.awaitable]
    assert threaded == []


async def test_when_resolves_the_magic_filter_in_place() -> None:
    chat = Chat(id=1, type="private")
    command = Message(message_id=1, date=0, chat=chat, text="/start")
    prompt = Message(message_id=2, date=0, chat=chat, text="a fox")
    is_command = When(F.text.startswith("/"))
    assert await is_command(command) is True
    assert await is_command(prompt) is False
    assert await (~is_command)(prompt) is True
    assert FilterObject(is_command).awaitable and not FilterObject(F.text).awaitable
