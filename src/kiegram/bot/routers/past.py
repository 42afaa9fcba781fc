"""A past result again: /history's 📤 buttons re-send it by its kept Telegram file ids; the
🧩 buttons give any one file of a result to another model."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import keyboards
from kiegram.bot.callbacks import Past, Reuse
from kiegram.bot.conversation import Conversation
from kiegram.bot.delivery import caption, result_buttons
from kiegram.bot.deps import Text
from kiegram.bot.filters import Presses
from kiegram.bot.kept import resend
from kiegram.bot.render import Renderer
from kiegram.bot.reuse_files import reuse_state, targets_for
from kiegram.bot.text_parts import text_parts
from kiegram.catalog import Catalog
from kiegram.fsm.replay import ONCE, guard
from kiegram.i18n import Translator
from kiegram.jobs import Job, JobService, JobState
from kiegram.storage.result_files import SqlResultFiles


def show_buttons(jobs: list[Job], first: int, _: Text) -> list[list[InlineKeyboardButton]]:
    """For a history page: "📤 N" for each delivered entry (N as the page numbers it)."""
    row = [
        InlineKeyboardButton(
            text=_("history.btn.show", n=first + i), callback_data=Past(job=job.id).pack()
        )
        for i, job in enumerate(jobs)
        if job.state is JobState.DELIVERED
    ]
    return [row] if row else []


async def _own_job(jobs: JobService, job_id: str, user_id: int) -> Job | None:
    job = await jobs.store.get(job_id)
    return job if job is not None and job.user_id == user_id else None


async def show_past(
    query: CallbackQuery,
    callback_data: Past,
    bot: Bot,
    jobs: JobService,
    kept_files: SqlResultFiles,
    catalog: Catalog,
    translator: Translator,
    _: Text,
    lang: str,
) -> None:
    """Send a past result again (the same Telegram files), then Repeat / reuse / Menu."""
    chat = query.from_user.id
    job = await _own_job(jobs, callback_data.job, chat)
    if job is None:
        await bot.send_message(chat, _("delivery.job_gone"), reply_markup=keyboards.menu_only(_))
        return
    spec = catalog.get(job.model_id)
    name = spec.name.get(lang) if spec else job.model_id
    files = await kept_files.get(job.id)
    if files:
        shown = caption(spec, job.payload, Renderer(translator, lang)) if spec else ""
        await resend(bot, chat, files, shown)
    elif job.result_text:
        for part in text_parts(job.result_text):
            await bot.send_message(chat, part)
    elif job.result_urls:
        links = "\n".join(html.quote(url) for url in job.result_urls)
        await bot.send_message(chat, f"{_('history.links_only')}\n{links}")
    else:
        await bot.send_message(chat, _("history.nothing_kept"))
    text = _("history.again", model=html.quote(name), date=job.created_at.strftime("%d.%m.%Y"))
    await bot.send_message(chat, text, reply_markup=result_buttons(catalog, spec, job, _))


async def reuse_file(
    query: CallbackQuery,
    callback_data: Reuse,
    conv: Conversation,
    catalog: Catalog,
    jobs: JobService,
    _: Text,
) -> None:
    """File `f` of a result: the models that take it, or the chosen model started with it."""
    chat = query.from_user.id
    job = await _own_job(jobs, callback_data.job, chat)
    if job is None:
        await conv.bot.send_message(
            chat, _("delivery.job_gone"), reply_markup=keyboards.menu_only(_)
        )
        return
    if callback_data.t < 0:
        await _offer(conv.bot, chat, catalog, job, callback_data.f, _, conv.lang)
        return
    filled = reuse_state(catalog, job, callback_data.f, callback_data.t)
    if filled is None:
        await conv.bot.send_message(
            chat, _("bot.stale_button"), reply_markup=keyboards.menu_only(_)
        )
        return
    await conv.start_filled(filled)


async def _offer(
    bot: Bot, chat: int, catalog: Catalog, job: Job, index: int, _: Text, lang: str
) -> None:
    targets = targets_for(catalog, job, index)
    if not targets:
        await bot.send_message(chat, _("delivery.reuse_none"))
        return
    kb = InlineKeyboardBuilder()
    for number, (spec, _field) in enumerate(targets):
        kb.button(text=spec.name.get(lang), callback_data=Reuse(job=job.id, f=index, t=number))
    kb.adjust(2)
    kb.row(keyboards.back_to_menu(_))
    await bot.send_message(chat, _("delivery.reuse_title"), reply_markup=kb.as_markup())


def build_router() -> Router:
    """A fresh router with the past-result handlers."""
    router = guard(Router(name="past"))
    router.callback_query.filter(Presses(Past, Reuse))  # others' presses skip this router
    router.callback_query.register(show_past, Past.filter(), flags={ONCE: True})
    router.callback_query.register(reuse_file, Reuse.filter(), flags={ONCE: True})
    return router
