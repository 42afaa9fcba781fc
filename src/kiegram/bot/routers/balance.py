"""Balance, top-ups with Stars or by card (invoice, pre-checkout, successful payment),
/paysupport, referrals."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    User,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from kiegram.billing import (
    FreeQuota,
    Ledger,
    Payments,
    PaymentStatus,
    StarsPack,
    find_pack,
    utc_today,
)
from kiegram.billing.cards import CardCheckout, find_card_pack
from kiegram.billing.ports import UserStore
from kiegram.bot import keyboards
from kiegram.bot.callbacks import Nav
from kiegram.bot.cards import PAYLOAD_PREFIX as CARD_PREFIX
from kiegram.bot.cards import (
    BuyCard,
    card_matches,
    card_problem,
    pack_label,
    parse_card_payload,
    send_card_invoice,
)
from kiegram.bot.deps import BotConfig, Text
from kiegram.bot.filters import Presses, When
from kiegram.bot.screens import edit_or_send
from kiegram.ops.alerts import Alerter

log = logging.getLogger(__name__)
CURRENCY = "XTR"
PAYLOAD_PREFIX = "p"


class Buy(CallbackData, prefix="buy"):
    """Buy a Stars pack (its code, e.g. "100x50")."""

    code: str


@dataclass(frozen=True, slots=True)
class InvoicePayload:
    """What an invoice carries: the pack (units for stars) and the buyer."""

    units: int
    stars: int
    user_id: int

    def text(self) -> str:
        """The text sent to Telegram: "p:<pack code>:<user id>" (well under 128 bytes)."""
        return f"{PAYLOAD_PREFIX}:{self.units}x{self.stars}:{self.user_id}"


def parse_payload(text: str) -> InvoicePayload | None:
    """Read an invoice payload back; None for anything we did not issue."""
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != PAYLOAD_PREFIX:
        return None
    units, _x, stars = parts[1].partition("x")
    if not (units.isdigit() and stars.isdigit() and parts[2].isdigit()):
        return None
    return InvoicePayload(int(units), int(stars), int(parts[2]))


def checkout_problem(
    payload: str, user_id: int, currency: str, total: int, packs: tuple[StarsPack, ...]
) -> str | None:
    """Why a pre-checkout must be refused (a message key), or None when it may proceed."""
    parsed = parse_payload(payload)
    if parsed is None or parsed.user_id != user_id:
        return "balance.refuse.bad_invoice"
    pack = find_pack(packs, f"{parsed.units}x{parsed.stars}")
    if pack is None:
        return "balance.refuse.pack_gone"
    if currency != CURRENCY or total != pack.stars:
        return "balance.refuse.bad_amount"
    return None


async def referral_link(bot: Bot, user_id: int) -> str:
    """The user's invite deep link (t.me/<bot>?start=r_<id>)."""
    me = await bot.me()
    return f"https://t.me/{me.username}?start=r_{user_id}"


async def balance_screen(
    user: User,
    bot: Bot,
    ledger: Ledger,
    quota: FreeQuota,
    users: UserStore,
    packs: tuple[StarsPack, ...],
    config: BotConfig,
    _: Text,
    lang: str,
    cards: CardCheckout | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """Balance, held amount, free generations left, referral link and the pack buttons."""
    await users.touch(user.id, user.username, lang)
    account = await ledger.account(user.id)
    lines = [
        _(
            "balance.screen",
            balance=_("bot.price.amount", amount=account.balance),
            held=_("bot.price.amount", amount=account.held),
            free_left=await quota.left(user.id, utc_today()),
            free_total=quota.per_day,
        )
    ]
    if config.referral_bonus > 0:
        link = await referral_link(bot, user.id)
        lines.append(_("balance.referral", link=link, bonus=config.referral_bonus))
    with_cards = cards is not None and cards.enabled
    lines.append(_("balance.packs_title") if packs or with_cards else _("balance.no_packs"))
    if with_cards:
        lines.append(_("cards.title"))
    return "\n\n".join(lines), packs_keyboard(packs, _, cards)


def packs_keyboard(
    packs: tuple[StarsPack, ...], _: Text, cards: CardCheckout | None = None
) -> InlineKeyboardMarkup:
    """One button per Stars pack ("100 кр. — 50 ⭐"), one per card pack when card payments
    are set up ("100 кр. — 199.00 RUB"), then Menu."""
    kb = InlineKeyboardBuilder()
    for pack in packs:
        text = _("balance.pack", units=pack.units, stars=pack.stars)
        kb.row(InlineKeyboardButton(text=text, callback_data=Buy(code=pack.code).pack()))
    for card in cards.packs if cards is not None and cards.enabled else ():
        data = BuyCard(code=card.code).pack()
        kb.row(InlineKeyboardButton(text=pack_label(card, _), callback_data=data))
    kb.row(keyboards.back_to_menu(_))
    return kb.as_markup()


async def balance_command(
    message: Message,
    bot: Bot,
    ledger: Ledger,
    quota: FreeQuota,
    users: UserStore,
    packs: tuple[StarsPack, ...],
    config: BotConfig,
    _: Text,
    lang: str,
    cards: CardCheckout | None = None,
) -> None:
    """/balance."""
    if message.from_user is None:
        return
    args = (message.from_user, bot, ledger, quota, users, packs, config, _, lang, cards)
    text, markup = await balance_screen(*args)
    await message.answer(text, reply_markup=markup)


async def nav_balance(
    query: CallbackQuery,
    bot: Bot,
    ledger: Ledger,
    quota: FreeQuota,
    users: UserStore,
    packs: tuple[StarsPack, ...],
    config: BotConfig,
    _: Text,
    lang: str,
    cards: CardCheckout | None = None,
) -> None:
    """The balance button of the main menu and of the "not enough" message."""
    args = (query.from_user, bot, ledger, quota, users, packs, config, _, lang, cards)
    text, markup = await balance_screen(*args)
    await edit_or_send(query, text, markup)


async def buy(
    query: CallbackQuery, callback_data: Buy, bot: Bot, packs: tuple[StarsPack, ...], _: Text
) -> None:
    """Send a Stars invoice for the chosen pack."""
    pack = find_pack(packs, callback_data.code)
    if pack is None:
        await edit_or_send(query, _("balance.refuse.pack_gone"), keyboards.menu_only(_))
        return
    payload = InvoicePayload(pack.units, pack.stars, query.from_user.id)
    title = _("balance.invoice_title", units=pack.units)
    await bot.send_invoice(
        chat_id=query.from_user.id,
        title=title,
        description=_("balance.invoice_description", units=pack.units),
        payload=payload.text(),
        currency=CURRENCY,
        prices=[LabeledPrice(label=title, amount=pack.stars)],
        provider_token="",
    )


async def buy_card(
    query: CallbackQuery,
    callback_data: BuyCard,
    bot: Bot,
    _: Text,
    cards: CardCheckout | None = None,
) -> None:
    """Send the payment provider's invoice for the chosen card pack."""
    pack = find_card_pack(cards.packs, callback_data.code) if cards is not None else None
    if pack is None or cards is None or not cards.enabled:
        await edit_or_send(query, _("balance.refuse.pack_gone"), keyboards.menu_only(_))
        return
    await send_card_invoice(bot, query.from_user.id, pack, cards, _)


async def pre_checkout(
    query: PreCheckoutQuery,
    packs: tuple[StarsPack, ...],
    _: Text,
    cards: CardCheckout | None = None,
) -> None:
    """Answer at once (Telegram waits 10 s): only our own, current invoices proceed."""
    args = (query.invoice_payload, query.from_user.id, query.currency, query.total_amount)
    if query.invoice_payload.startswith(f"{CARD_PREFIX}:"):
        problem = card_problem(*args, cards or CardCheckout("", ()))
    else:
        problem = checkout_problem(*args, packs)
    if problem is None:
        await query.answer(ok=True)
        return
    log.warning("pre-checkout refused for user %s: %s", query.from_user.id, problem)
    await query.answer(ok=False, error_message=_(problem))


def _matches(parsed: InvoicePayload | None, user_id: int, currency: str, total: int) -> bool:
    """True when a payment is for an invoice we issued to this user, at its price."""
    if parsed is None:
        return False
    return parsed.user_id == user_id and currency == CURRENCY and total == parsed.stars


def _paid_units(payload: str, user_id: int, currency: str, total: int) -> int | None:
    """The units a successful payment buys, None when it matches no invoice we issued."""
    card = parse_card_payload(payload)
    if card is not None:
        return card.units if card_matches(card, user_id, currency, total) else None
    stars = parse_payload(payload)
    if stars is None or not _matches(stars, user_id, currency, total):
        return None
    return stars.units


async def paid(
    message: Message,
    payments: Payments,
    users: UserStore,
    _: Text,
    lang: str,
    alerter: Alerter | None = None,
) -> None:
    """Credit a successful payment exactly once, keyed by Telegram's charge id (Stars and
    cards alike: a card payment carries one too, next to the provider's)."""
    payment = message.successful_payment
    user = message.from_user
    if payment is None or user is None:
        return
    charge = payment.telegram_payment_charge_id
    units = _paid_units(payment.invoice_payload, user.id, payment.currency, payment.total_amount)
    if units is None:
        log.error("unmatched payment %s from user %s", charge, user.id)
        if alerter is not None:
            await alerter.payment_error(f"unmatched payment {charge} from user {user.id}")
        await message.answer(_("balance.paid_unmatched", charge=charge))
        return
    await users.touch(user.id, user.username, lang)
    result = await payments.credit_payment(
        user.id, units, payment.total_amount, charge, payment.currency
    )
    key = "balance.paid" if result.status is PaymentStatus.CREDITED else "balance.paid_again"
    text = _(
        key,
        units=_("bot.price.amount", amount=result.units),
        balance=_("bot.price.amount", amount=result.balance),
    )
    await message.answer(text, reply_markup=keyboards.menu_only(_))


async def paysupport(message: Message, _: Text, cards: CardCheckout | None = None) -> None:
    """/paysupport: how payments and refunds work (Telegram requires this command)."""
    text = _("balance.paysupport")
    if cards is not None and cards.enabled:
        text += _("cards.paysupport")
    await message.answer(text, reply_markup=keyboards.menu_only(_))


def build_router() -> Router:
    """A fresh router with this feature's handlers (one per dispatcher)."""
    router = Router(name="balance")
    router.callback_query.filter(Presses(Nav, Buy, BuyCard))  # others' presses skip it
    router.message.register(balance_command, Command("balance"))
    router.message.register(paysupport, Command("paysupport"))
    router.message.register(paid, When(F.successful_payment))
    router.callback_query.register(nav_balance, Nav.filter(F.to == "bal"))
    router.callback_query.register(buy, Buy.filter())
    router.callback_query.register(buy_card, BuyCard.filter())
    router.pre_checkout_query.register(pre_checkout)
    return router
