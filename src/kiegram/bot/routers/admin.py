"""/admin: stats, KIE credits, users (grant/deduct, ban), switches, broadcast, Stars refunds
and promo codes."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.billing import AdjustStatus, Ledger, ModelSwitches, Payments, utc_today
from kiegram.billing.activity import ActivityStore, build_days
from kiegram.billing.margins import MarginStore, margins
from kiegram.billing.ports import LedgerStore, StatsStore, UserStore
from kiegram.bot import keyboards
from kiegram.bot.admin import actions, bans, promos, views
from kiegram.bot.admin import chart as admin_chart
from kiegram.bot.admin.access import IsAdmin, SwitchedOff
from kiegram.bot.admin.actions import Credits, Target
from kiegram.bot.admin.states import Adm, AdminInput
from kiegram.bot.broadcast import Broadcaster
from kiegram.bot.callbacks import Go
from kiegram.bot.deps import BotConfig, Text
from kiegram.bot.filters import When
from kiegram.bot.screens import edit_or_send
from kiegram.catalog import Catalog
from kiegram.fsm.replay import ONCE, Resent, done_already, guard
from kiegram.i18n import Translator

STATS_DAYS = 7
CHART_DAYS = 30
MARGIN_ROWS = 15  # the worst models; `kiegram report margin` prints them all
ONCE_FLAG = {ONCE: True}  # a re-sent admin input is not applied twice (fsm.replay)
MAX_BROADCAST = 4000  # Telegram's 4096 minus room for markup


async def _home_text(stats: StatsStore, kie_credits: Credits | None, _: Text) -> str:
    today = utc_today()
    days = await stats.day_stats(today - timedelta(days=STATS_DAYS - 1), today)
    return views.home_text(days, await actions.kie_credits(kie_credits), _)


async def admin_command(
    message: Message,
    state: FSMContext,
    stats: StatsStore,
    _: Text,
    kie_credits: Credits | None = None,
) -> None:
    """/admin: the home screen (any typed input in progress is dropped)."""
    await state.set_state(None)
    await message.answer(
        await _home_text(stats, kie_credits, _), reply_markup=views.home_keyboard(_)
    )


async def home(
    query: CallbackQuery,
    state: FSMContext,
    stats: StatsStore,
    _: Text,
    kie_credits: Credits | None = None,
) -> None:
    """The home button: stats again, typed input cancelled."""
    await state.set_state(None)
    await edit_or_send(query, await _home_text(stats, kie_credits, _), views.home_keyboard(_))


async def cancel(message: Message, state: FSMContext, _: Text) -> None:
    """/cancel while the panel waits for typed input."""
    await state.set_state(None)
    await message.answer(_("admin.cancelled"), reply_markup=views.home_keyboard(_))


async def leave_input(event: Message | CallbackQuery, state: FSMContext) -> None:
    """Another command or a non-admin button: stop waiting for typed input, then go on."""
    await state.set_state(None)
    raise SkipHandler  # the update continues to the routers after this one


async def ask(query: CallbackQuery, callback_data: Adm, state: FSMContext, _: Text) -> None:
    """Ask for typed input: a user to look up, a charge id to refund, a broadcast text."""
    states = {"user": AdminInput.user, "refund": AdminInput.refund, "bc": AdminInput.broadcast}
    await state.set_state(states[callback_data.a])
    await edit_or_send(query, _(f"admin.ask.{callback_data.a}"), views.only_home(_))


async def got_user(
    message: Message, state: FSMContext, users: UserStore, ledger: Ledger, _: Text
) -> None:
    """Show the user the admin typed, with grant and deduct buttons."""
    user = await actions.find_user(users, message.text or "")
    if user is None:
        await message.answer(_("admin.user_not_found"), reply_markup=views.only_home(_))
        return
    await state.set_state(None)
    await state.update_data(adm_target=user.id)
    account = await ledger.account(user.id)
    markup = views.user_keyboard(_, user.blocked)
    await message.answer(views.user_card(user, account, _), reply_markup=markup)


async def ask_amount(query: CallbackQuery, callback_data: Adm, state: FSMContext, _: Text) -> None:
    """Grant or deduct: ask for "<units> <reason>"."""
    target = (await state.get_data()).get("adm_target")
    if target is None:
        await state.set_state(AdminInput.user)
        await edit_or_send(query, _("admin.ask.user"), views.only_home(_))
        return
    await state.update_data(adm_op=callback_data.a)
    await state.set_state(AdminInput.amount)
    await edit_or_send(query, _(f"admin.ask.{callback_data.a}", id=target), views.only_home(_))


async def got_amount(
    message: Message,
    bot: Bot,
    state: FSMContext,
    ledger: Ledger,
    users: UserStore,
    translator: Translator,
    _: Text,
) -> None:
    """Grant or deduct once: the key is this admin message, so a redelivery changes nothing."""
    parsed = actions.parse_amount(message.text or "")
    data = await state.get_data()
    target, op = data.get("adm_target"), data.get("adm_op")
    if parsed is None or target is None or message.from_user is None:
        await message.answer(_("admin.bad_amount"), reply_markup=views.only_home(_))
        return
    amount, reason = parsed
    admin = message.from_user.id
    key = f"admin:{op}:{target}:{admin}:{message.message_id}"
    adjust = ledger.deduct if op == "deduct" else ledger.grant
    result = await adjust(target, amount, key, admin, reason)
    await state.set_state(None)
    values = {"id": target, "amount": amount, "balance": result.balance, "short": result.shortfall}
    status = "insufficient" if result.status is AdjustStatus.INSUFFICIENT else str(op)
    if result.status is AdjustStatus.ALREADY_DONE:
        status = "already"
    user = await users.get(target)
    markup = views.user_keyboard(_, user is not None and user.blocked)
    await message.answer(_(f"admin.adjust.{status}", **values), reply_markup=markup)
    if op == "grant" and result.status is AdjustStatus.DONE and user is not None:
        amount_text = translator(user.language, "bot.price.amount", amount=amount)
        text = translator(
            user.language, "balance.granted", amount=amount_text, reason=html.quote(reason)
        )
        await bot.send_message(target, text)


async def _switch_screen(
    state: FSMContext, switches: ModelSwitches, catalog: Catalog, _: Text
) -> tuple[str, InlineKeyboardMarkup]:
    off = await actions.switched_off(switches, catalog)
    await state.update_data(adm_off=off)
    await state.set_state(AdminInput.switch)
    example = catalog.usable()[0].id if catalog.usable() else "model"
    default_off = frozenset(spec.id for spec in catalog if spec.off_by_default)
    text = views.switches_text(off, example, _, default_off)
    return text, views.switches_keyboard(off, _)


async def switches_screen(
    query: CallbackQuery, state: FSMContext, switches: ModelSwitches, catalog: Catalog, _: Text
) -> None:
    """What is switched off, with "switch on" buttons; waits for a model to toggle."""
    text, markup = await _switch_screen(state, switches, catalog, _)
    await edit_or_send(query, text, markup)


async def got_switch(
    message: Message, state: FSMContext, switches: ModelSwitches, catalog: Catalog, _: Text
) -> None:
    """Toggle the typed model or option; the menus follow on their next read."""
    target = actions.parse_target(catalog, message.text or "")
    if not isinstance(target, Target):
        await message.answer(_(target[0], **target[1]), reply_markup=views.only_home(_))
        return
    on = await actions.toggle(switches, target)
    done = _("admin.switch_on_done" if on else "admin.switch_off_done", what=target.label)
    text, markup = await _switch_screen(state, switches, catalog, _)
    await message.answer(f"{done}\n\n{text}", reply_markup=markup)


async def switch_on(
    query: CallbackQuery,
    callback_data: Adm,
    state: FSMContext,
    switches: ModelSwitches,
    catalog: Catalog,
    _: Text,
) -> None:
    """A "switch on" button of the switches screen."""
    off: list[str] = (await state.get_data()).get("adm_off") or []
    index = int(callback_data.i) if callback_data.i.isdigit() else len(off)
    target = actions.parse_target(catalog, off[index]) if index < len(off) else None
    if isinstance(target, Target):
        if target.option:
            name, _eq, value = target.option.partition("=")
            await switches.set_option(target.spec.id, name, value, True)
        else:
            await switches.set_model(target.spec.id, True)
    text, markup = await _switch_screen(state, switches, catalog, _)
    await edit_or_send(query, text, markup)


async def got_broadcast(message: Message, state: FSMContext, _: Text) -> None:
    """Keep the text (with the admin's formatting) and show a preview with Send/Cancel."""
    text = message.html_text if message.text else ""
    if not text or len(text) > MAX_BROADCAST:
        await message.answer(
            _("admin.bc_bad", limit=MAX_BROADCAST), reply_markup=views.only_home(_)
        )
        return
    await state.update_data(adm_bc=text)
    await state.set_state(None)
    await message.answer(
        _("admin.bc_preview") + "\n\n" + text, reply_markup=views.broadcast_keyboard(_)
    )


async def broadcast_go(
    query: CallbackQuery, state: FSMContext, broadcaster: Broadcaster, _: Text, lang: str
) -> None:
    """Start the broadcast in the background; the report comes when it ends."""
    text = (await state.get_data()).get("adm_bc")
    if not text:
        await edit_or_send(query, _("admin.ask.bc"), views.only_home(_))
        return
    started = await broadcaster.start(text, query.from_user.id, lang)
    if started:
        await state.update_data(adm_bc=None)
    await edit_or_send(
        query, _("admin.bc_started" if started else "admin.bc_busy"), views.only_home(_)
    )


async def got_refund(
    message: Message,
    bot: Bot,
    state: FSMContext,
    ledger_store: LedgerStore,
    payments: Payments,
    _: Text,
) -> None:
    """Refund the typed charge id."""
    await state.set_state(None)
    key, values = await actions.refund(bot, ledger_store, payments, (message.text or "").strip())
    await message.answer(_(key, **values), reply_markup=views.only_home(_))


async def refund_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    ledger_store: LedgerStore,
    payments: Payments,
    _: Text,
) -> None:
    """/refund <charge id>."""
    charge = (command.args or "").strip()
    if not charge:
        await message.answer(_("admin.ask.refund"), reply_markup=views.only_home(_))
        return
    key, values = await actions.refund(bot, ledger_store, payments, charge)
    await message.answer(_(key, **values), reply_markup=views.only_home(_))


async def refuse_switched_off(event: Message | CallbackQuery, bot: Bot, _: Text) -> None:
    """A user asked for a model the admin switched off."""
    if event.from_user is not None:
        markup = keyboards.menu_only(_)
        await bot.send_message(event.from_user.id, _("bot.wizard.model_off"), reply_markup=markup)


async def chart(
    query: CallbackQuery,
    bot: Bot,
    stats: StatsStore,
    activity: ActivityStore,
    catalog: Catalog,
    _: Text,
) -> None:
    """The last 30 days as a chart, with the numbers in the caption."""
    until = utc_today()
    since = until - timedelta(days=CHART_DAYS - 1)
    day_stats = await stats.day_stats(since, until)
    stars = {d.day: (d.stars, d.refunded_stars) for d in day_stats}
    units = await activity.units_captured(since, until)
    jobs = await activity.job_counts(since, until)
    days = build_days([d.day for d in day_stats], units, stars, jobs, catalog)
    picture = BufferedInputFile(await admin_chart.png(days, _), filename="chart.png")
    await bot.send_photo(
        query.from_user.id,
        picture,
        caption=admin_chart.caption(days, _),
        reply_markup=views.only_home(_),
    )


async def margin(
    query: CallbackQuery,
    activity: MarginStore,
    config: BotConfig,
    _: Text,
) -> None:
    """Per model over 30 days: what users paid against what KIE charged, worst first."""
    until = utc_today()
    rows = await activity.margin_rows(until - timedelta(days=CHART_DAYS - 1), until)
    lines = margins(rows, config.credits_per_unit, config.markup, by_day=False)
    shown = [
        _(
            "margin.row",
            flag="⚠️" if m.losing else "▫️",
            model=html.quote(m.model_id),
            jobs=m.jobs,
            paid=f"{m.paid:.2f}",
            cost=f"{m.cost:.2f}",
            margin=f"{m.margin:+.2f}",
        )
        for m in lines[:MARGIN_ROWS]
    ]
    body = "\n".join(shown) if shown else _("margin.empty")
    await edit_or_send(query, _("margin.title", days=CHART_DAYS, rows=body), views.only_home(_))


def _panel() -> Router:
    router = guard(Router(name="admin_panel"))
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    # A re-sent input the panel stopped waiting for (an amount, a user): done already.
    router.message.register(done_already, Resent(unless="wz"))
    router.message.register(admin_command, Command("admin"))
    router.message.register(refund_command, Command("refund"), flags=ONCE_FLAG)
    router.message.register(cancel, Command("cancel"), StateFilter(AdminInput))
    router.message.register(leave_input, StateFilter(AdminInput), When(F.text.startswith("/")))
    router.callback_query.register(leave_input, StateFilter(AdminInput), ~Adm.filter())
    text = (When(F.text), When(~F.text.startswith("/")))
    router.message.register(got_user, StateFilter(AdminInput.user), *text, flags=ONCE_FLAG)
    router.message.register(got_amount, StateFilter(AdminInput.amount), *text, flags=ONCE_FLAG)
    router.message.register(got_switch, StateFilter(AdminInput.switch), *text, flags=ONCE_FLAG)
    router.message.register(
        got_broadcast, StateFilter(AdminInput.broadcast), *text, flags=ONCE_FLAG
    )
    router.message.register(got_refund, StateFilter(AdminInput.refund), *text, flags=ONCE_FLAG)
    router.message.register(promos.got_promo, StateFilter(AdminInput.promo), *text, flags=ONCE_FLAG)
    router.callback_query.register(home, Adm.filter(F.a == "home"))
    router.callback_query.register(ask, Adm.filter(F.a.in_({"user", "refund", "bc"})))
    router.callback_query.register(ask_amount, Adm.filter(F.a.in_({"grant", "deduct"})))
    router.callback_query.register(switches_screen, Adm.filter(F.a == "sw"))
    router.callback_query.register(switch_on, Adm.filter(F.a == "on"), flags=ONCE_FLAG)
    router.callback_query.register(broadcast_go, Adm.filter(F.a == "bcgo"), flags=ONCE_FLAG)
    router.callback_query.register(chart, Adm.filter(F.a == "chart"))
    router.callback_query.register(margin, Adm.filter(F.a == "margin"))
    router.callback_query.register(
        bans.ban_button, Adm.filter(F.a.in_({"ban", "unban"})), flags=ONCE_FLAG
    )
    router.callback_query.register(promos.promo_screen, Adm.filter(F.a == "promo"))
    return router


def build_router() -> Router:
    """The panel (admins only) plus the guard that refuses switched-off models to everyone."""
    router = Router(name="admin")
    router.message.register(refuse_switched_off, Command("model"), SwitchedOff())
    router.callback_query.register(refuse_switched_off, Go.filter(), SwitchedOff())
    router.include_router(_panel())
    return router
