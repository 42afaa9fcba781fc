"""/history: the user's generations, newest first, five per page, each with Repeat."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import followups, keyboards
from kiegram.bot.callbacks import JobAct, Nav
from kiegram.bot.deps import Text
from kiegram.bot.filters import Presses
from kiegram.bot.routers.past import show_buttons
from kiegram.bot.screens import edit_or_send
from kiegram.catalog import Catalog
from kiegram.jobs import Job
from kiegram.storage.jobs_history import SqlJobHistory

PAGE_SIZE = 5


def line(number: int, job: Job, catalog: Catalog, _: Text, lang: str) -> str:
    """One history entry: model, date, state, price."""
    spec = catalog.get(job.model_id)
    name = spec.name.get(lang) if spec else job.model_id
    price = _("history.free") if job.cost == 0 else _("bot.price.amount", amount=int(job.cost))
    return _(
        "history.line",
        n=number,
        model=html.quote(name),
        date=job.created_at.strftime("%d.%m.%Y %H:%M"),
        state=_(f"history.state.{job.state.value}"),
        price=price,
    )


async def page_view(
    history: SqlJobHistory, user_id: int, page: int, catalog: Catalog, _: Text, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one history page (page 0 is the newest)."""
    total = await history.count(user_id)
    if total == 0:
        return _("history.empty"), keyboards.menu_only(_)
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    jobs = await history.page(user_id, page * PAGE_SIZE, PAGE_SIZE)
    first = page * PAGE_SIZE + 1
    lines = [_("history.title", page=page + 1, pages=pages), ""]
    lines += [line(first + i, job, catalog, _, lang) for i, job in enumerate(jobs)]
    repeat = [
        InlineKeyboardButton(
            text=_("history.btn.repeat", n=first + i),
            callback_data=JobAct(a="r", job=job.id).pack(),
        )
        for i, job in enumerate(jobs)
        if (spec := catalog.get(job.model_id)) is not None and spec.usable
    ]
    rows = [repeat] if repeat else []
    shown = show_buttons(jobs, first, _)
    rows += shown
    lines += ["", _("history.hint")] if shown else []
    more = [
        InlineKeyboardButton(
            text=_("followups.btn.more", n=first + i),
            callback_data=JobAct(a="F", job=job.id).pack(),
        )
        for i, job in enumerate(jobs)
        if followups.offered(catalog, job)
    ]
    rows += [more] if more else []
    turn = []
    if page > 0:
        turn.append(_button(_("history.btn.newer"), page - 1))
    if page + 1 < pages:
        turn.append(_button(_("history.btn.older"), page + 1))
    rows += [turn] if turn else []
    rows.append([keyboards.back_to_menu(_)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def _button(text: str, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=Nav(to="hist", arg=str(page)).pack())


async def history_command(
    message: Message, history: SqlJobHistory, catalog: Catalog, _: Text, lang: str
) -> None:
    """/history: the first page."""
    user_id = message.from_user.id if message.from_user else message.chat.id
    text, markup = await page_view(history, user_id, 0, catalog, _, lang)
    await message.answer(text, reply_markup=markup)


async def nav_history(
    query: CallbackQuery,
    callback_data: Nav,
    history: SqlJobHistory,
    catalog: Catalog,
    _: Text,
    lang: str,
) -> None:
    """A history page from the menu or the page buttons."""
    page = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    text, markup = await page_view(history, query.from_user.id, page, catalog, _, lang)
    await edit_or_send(query, text, markup)


def build_router() -> Router:
    """A fresh router with the history handlers."""
    router = Router(name="history")
    router.callback_query.filter(Presses(Nav))  # others' presses skip this router
    router.message.register(history_command, Command("history"))
    router.callback_query.register(nav_history, Nav.filter(F.to == "hist"))
    return router
