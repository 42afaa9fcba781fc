"""Builds the dispatcher: storage, middlewares and routers in their order."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage

from kiegram.bot.ban import BanGuard
from kiegram.bot.middlewares import AnswerFirst, ConversationMiddleware, LangMiddleware
from kiegram.bot.routers import (
    admin,
    balance,
    errors,
    fallback,
    helper,
    history,
    menu,
    past,
    promo,
    results,
    wizard,
)
from kiegram.i18n import Translator


def build_dispatcher(storage: BaseStorage, translator: Translator, **deps: Any) -> Dispatcher:
    """A dispatcher with every feature router; `deps` reach handlers by name."""
    dp = Dispatcher(storage=storage, translator=translator, **deps)
    lang = LangMiddleware(translator)
    dp.message.outer_middleware(lang)
    dp.callback_query.outer_middleware(lang)
    dp.pre_checkout_query.outer_middleware(lang)
    # A banned user's update stops here, after the language is known (one line, nothing runs).
    guard = BanGuard()
    dp.message.outer_middleware(guard)
    dp.callback_query.outer_middleware(guard)
    dp.pre_checkout_query.outer_middleware(guard)
    # One wizard conversation per update, for the handlers that name `conv`.
    conversation = ConversationMiddleware()
    dp.message.outer_middleware(conversation)
    dp.callback_query.outer_middleware(conversation)
    # Every button press is answered once (no spinning buttons): before any work while
    # polling, in the webhook's reply behind a webhook.
    dp.callback_query.middleware(AnswerFirst())
    for feature in feature_routers():
        dp.include_router(feature)
    dp.include_router(fallback.build_router())
    dp.include_router(errors.build_router())
    return dp


def feature_routers() -> list[Any]:
    """Feature routers, most specific first (fallback comes last, separately)."""
    # The promo deep link (/start p_CODE) before the menu's /start.
    return [
        promo.build_router(),
        menu.build_router(),
        *money_routers(),
        helper.build_router(),  # the prompt helper takes its draft before the wizard's input
        wizard.build_router(),
        *journey_routers(),
    ]


def money_routers() -> list[Any]:
    """Balance and payments, then admin (its typed input must come before the wizard's)."""
    return [balance.build_router(), admin.build_router()]


def journey_routers() -> list[Any]:
    """Results, progress buttons and history."""
    return [results.build_router(), history.build_router(), past.build_router()]
