"""The admin panel's screens: text and keyboards from data, no side effects."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import Account, DayStats, UserInfo
from kiegram.bot.admin.states import Adm
from kiegram.bot.deps import Text

LOW_CREDITS = 1000.0  # below this many KIE credits the panel warns (as the ops alerter does)


def button(text: str, action: str, arg: str = "") -> InlineKeyboardButton:
    """One admin button."""
    return InlineKeyboardButton(text=text, callback_data=Adm(a=action, i=arg).pack())


def home_button(_: Text) -> InlineKeyboardButton:
    """Back to the admin home screen (also cancels typed input)."""
    return button(_("admin.btn.home"), "home")


def credits_line(credits: float | None, _: Text) -> str:
    """KIE's credit balance, with a warning when it runs low."""
    if credits is None:
        return _("admin.credits_unknown")
    amount = f"{credits:g}"
    if credits < LOW_CREDITS:
        return _("admin.credits_low", credits=amount, threshold=f"{LOW_CREDITS:g}")
    return _("admin.credits", credits=amount)


def home_text(days: Sequence[DayStats], credits: float | None, _: Text) -> str:
    """Stats by UTC day (newest first) and the KIE balance."""
    rows = []
    for day in reversed(days):
        row = _(
            "admin.row",
            day=day.day.isoformat(),
            users=day.new_users,
            generations=day.generations,
            stars=day.stars,
        )
        if day.refunded_stars:
            row += _("admin.row_refunded", stars=day.refunded_stars)
        if day.card_units:
            row += _("cards.row", units=day.card_units)
        rows.append(row)
    return _(
        "admin.home",
        credits=credits_line(credits, _),
        days=len(days),
        rows="\n".join(rows),
        users=sum(d.new_users for d in days),
        generations=sum(d.generations for d in days),
        stars=sum(d.stars for d in days) - sum(d.refunded_stars for d in days),
    )


def home_keyboard(_: Text) -> InlineKeyboardMarkup:
    """The admin panel's sections."""
    kb = InlineKeyboardBuilder()
    kb.add(button(_("admin.btn.user"), "user"), button(_("admin.btn.switches"), "sw"))
    kb.add(button(_("admin.btn.broadcast"), "bc"), button(_("admin.btn.refund"), "refund"))
    kb.add(button(_("chart.btn"), "chart"), button(_("margin.btn"), "margin"))
    kb.add(button(_("promo.btn_admin"), "promo"), button(_("admin.btn.refresh"), "home"))
    kb.adjust(2)
    return kb.as_markup()


def only_home(_: Text) -> InlineKeyboardMarkup:
    """Just the admin home button."""
    return InlineKeyboardMarkup(inline_keyboard=[[home_button(_)]])


def user_card(user: UserInfo, account: Account, _: Text) -> str:
    """What an admin sees about one user."""
    name = f"@{user.username}" if user.username else str(user.id)
    return _(
        "admin.user_card",
        name=html.quote(name),
        id=user.id,
        lang=user.language,
        created=user.created_at.date().isoformat(),
        balance=account.balance,
        held=account.held,
        referrer=user.referrer_id or "—",
        banned=_("admin.banned") if user.blocked else "",
    )


def user_keyboard(_: Text, banned: bool = False) -> InlineKeyboardMarkup:
    """Grant, deduct, ban or unban, home."""
    kb = InlineKeyboardBuilder()
    kb.add(button(_("admin.btn.grant"), "grant"), button(_("admin.btn.deduct"), "deduct"))
    if banned:
        kb.row(button(_("ban.btn_unban"), "unban"))
    else:
        kb.row(button(_("ban.btn_ban"), "ban"))
    kb.row(home_button(_))
    return kb.as_markup()


def switches_text(
    off: Sequence[str], example: str, _: Text, default_off: AbstractSet[str] = frozenset()
) -> str:
    """How to toggle, and what is off now (`default_off`: off until first switched on)."""
    listed = "\n".join(
        f"⛔ <code>{html.quote(name)}</code>"
        + (_("admin.off_by_default") if name in default_off else "")
        for name in off
    )
    return _("admin.switches", example=html.quote(example), off=listed or _("admin.none_off"))


def switches_keyboard(off: Sequence[str], _: Text) -> InlineKeyboardMarkup:
    """One "switch on" button per switched-off item (by its index in the shown list)."""
    kb = InlineKeyboardBuilder()
    for index, name in enumerate(off[:30]):
        kb.row(button(_("admin.btn.switch_on", what=name)[:60], "on", str(index)))
    kb.row(home_button(_))
    return kb.as_markup()


def broadcast_keyboard(_: Text) -> InlineKeyboardMarkup:
    """Send to everyone, or cancel."""
    kb = InlineKeyboardBuilder()
    kb.add(button(_("admin.btn.bc_go"), "bcgo"), home_button(_))
    return kb.as_markup()
