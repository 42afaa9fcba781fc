"""The admin's promo codes: the list, and a new code typed as "CODE UNITS USES [DAYS]"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import PromoCode, Promos
from kiegram.billing.promo import normalize
from kiegram.bot.admin.states import AdminInput
from kiegram.bot.admin.views import home_button
from kiegram.bot.deps import Text
from kiegram.bot.screens import edit_or_send

LISTED = 10  # newest codes shown on the screen


def parse_code(text: str, now: datetime) -> PromoCode | None:
    """ "SPRING 50 100 30" -> SPRING: 50 units, 100 uses, for 30 days (no days: no expiry)."""
    parts = text.split()
    numbers = parts[1:]
    if len(parts) not in (3, 4) or not all(n.isdigit() and int(n) > 0 for n in numbers):
        return None
    code = normalize(parts[0])
    if code is None:
        return None
    expires = now + timedelta(days=int(parts[3])) if len(parts) == 4 else None
    return PromoCode(code, int(parts[1]), int(parts[2]), 0, expires, now)


def _row(code: PromoCode, _: Text) -> str:
    until = code.expires_at.date().isoformat() if code.expires_at else _("promo.admin_forever")
    return _(
        "promo.admin_row",
        code=html.quote(code.code),
        amount=_("bot.price.amount", amount=code.units),
        used=code.used,
        uses=code.max_uses,
        until=until,
    )


def screen_text(codes: Sequence[PromoCode], _: Text) -> str:
    """How to create a code, and the newest ones."""
    rows = "\n".join(_row(code, _) for code in codes) or _("promo.admin_none")
    return _("promo.admin_screen", rows=rows)


def screen_keyboard(_: Text) -> InlineKeyboardMarkup:
    """Back home (typing a code is the screen's action)."""
    kb = InlineKeyboardBuilder()
    kb.row(home_button(_))
    return kb.as_markup()


async def promo_screen(query: CallbackQuery, state: FSMContext, promos: Promos, _: Text) -> None:
    """The codes, waiting for a new one to be typed."""
    await state.set_state(AdminInput.promo)
    await edit_or_send(query, screen_text(await promos.recent(LISTED), _), screen_keyboard(_))


async def got_promo(message: Message, state: FSMContext, promos: Promos, bot: Bot, _: Text) -> None:
    """Create the typed code; answer with its deep link, or say what is wrong."""
    code = parse_code(message.text or "", datetime.now(UTC))
    if code is None:
        await message.answer(_("promo.admin_bad"), reply_markup=screen_keyboard(_))
        return
    admin = message.from_user.id if message.from_user else 0
    if not await promos.create(code, admin):
        taken = _("promo.admin_taken", code=html.quote(code.code))
        await message.answer(taken, reply_markup=screen_keyboard(_))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=p_{code.code}"
    done = _("promo.admin_created", row=_row(code, _), link=html.quote(link))
    codes = await promos.recent(LISTED)
    await message.answer(f"{done}\n\n{screen_text(codes, _)}", reply_markup=screen_keyboard(_))
