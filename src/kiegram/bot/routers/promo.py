"""Promo codes for users: /promo CODE, or the deep link t.me/<bot>?start=p_CODE."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import PromoResult, Promos, PromoStatus
from kiegram.billing.ports import UserStore
from kiegram.bot import keyboards
from kiegram.bot.deps import Text
from kiegram.fsm.replay import ONCE, guard

DEEP_LINK = "p_"  # /start p_<CODE>
# Each outcome's answer.
ANSWERS = {
    PromoStatus.CREDITED: "promo.credited",
    PromoStatus.UNKNOWN: "promo.unknown",
    PromoStatus.EXPIRED: "promo.expired",
    PromoStatus.USED_UP: "promo.used_up",
    PromoStatus.ALREADY_USED: "promo.already_used",
}


def answer_text(result: PromoResult, _: Text) -> str:
    """What the user is told about their code."""
    return _(
        ANSWERS[result.status],
        code=html.quote(result.code),
        amount=_("bot.price.amount", amount=result.units),
        balance=_("bot.price.amount", amount=result.balance),
    )


async def promo_command(
    message: Message, command: CommandObject, promos: Promos, users: UserStore, _: Text, lang: str
) -> None:
    """/promo CODE (without a code: how to send one)."""
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("promo.ask"), reply_markup=keyboards.menu_only(_))
        return
    await _answer(message, code, promos, users, _, lang)


async def promo_link(
    message: Message,
    command: CommandObject,
    promos: Promos,
    users: UserStore,
    state: FSMContext,
    _: Text,
    lang: str,
) -> None:
    """/start p_CODE: redeem, then the menu button."""
    await state.set_state(None)
    await _answer(message, (command.args or "").removeprefix(DEEP_LINK), promos, users, _, lang)


async def _answer(
    message: Message, code: str, promos: Promos, users: UserStore, _: Text, lang: str
) -> None:
    user = message.from_user
    assert user is not None  # commands come from users
    await users.ensure(user.id, user.username, lang)  # a deep link may be their first update
    result = await promos.redeem(user.id, code, datetime.now(UTC))
    await message.answer(answer_text(result, _), reply_markup=keyboards.menu_only(_))


def build_router() -> Router:
    """/promo and the promo deep link (before the menu's own /start)."""
    router = guard(Router(name="promo"))
    router.message.register(
        promo_link,
        CommandStart(deep_link=True, magic=F.args.startswith(DEEP_LINK)),
        flags={ONCE: True},
    )
    router.message.register(promo_command, Command("promo"), flags={ONCE: True})
    return router
