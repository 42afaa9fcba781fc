"""Every handler that changes state or money is guarded against Telegram's re-send (issue #26):
flagged `once` on a router whose `Once` middleware honours the flag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram import Router
from aiogram.dispatcher.event.telegram import TelegramEventObserver

from kiegram.bot.routers import admin, chat, helper, past, promo, results
from kiegram.fsm.replay import ONCE, Once

GUARDED = {
    "chat": {"act", "ask_again", "text_in", "photo_in", "voice_in"},
    "helper": {"improve", "draft_typed"},
    "promo": {"promo_link", "promo_command"},
    "admin_panel": {
        "refund_command",
        "got_user",
        "got_amount",
        "got_switch",
        "got_broadcast",
        "got_refund",
        "got_promo",
        "switch_on",
        "broadcast_go",
        "ban_button",
    },
    "results": {"job_action"},
    "past": {"show_past", "reuse_file"},
}


def _routers() -> Iterator[Router]:
    for module in (admin, chat, helper, past, promo, results):
        yield from module.build_router().chain_tail


def _observers(router: Router) -> tuple[TelegramEventObserver, ...]:
    return (router.message, router.callback_query)


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_state_changing_handlers_are_flagged_once_on_a_guarded_router(name: str) -> None:
    [router] = [r for r in _routers() if r.name == name]
    flagged = {
        h.callback.__name__
        for observer in _observers(router)
        for h in observer.handlers
        if h.flags.get(ONCE)
    }
    assert flagged == GUARDED[name]
    for observer in _observers(router):
        assert any(isinstance(m, Once) for m in observer.middleware)
