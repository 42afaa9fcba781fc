"""Buttons on progress and result messages: cancel, repeat, new variation, result as input."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.keyboard import InlineKeyboardBuilder

from kiegram.bot import followups, keyboards, lyrics
from kiegram.bot.callbacks import JobAct
from kiegram.bot.conversation import Conversation
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk, Outlook
from kiegram.bot.filters import Presses
from kiegram.bot.prefill import (
    first_unfilled,
    media_value,
    reuse_targets,
    state_at,
    text_step,
    values_from_payload,
)
from kiegram.bot.progress import Progress, Stage
from kiegram.catalog import Catalog
from kiegram.fsm.replay import ONCE, guard
from kiegram.jobs import Job, JobService


async def job_action(
    query: CallbackQuery,
    callback_data: JobAct,
    conv: Conversation,
    catalog: Catalog,
    jobs: JobService,
    progress: Progress,
    desk: Desk,
    _: Text,
) -> None:
    """One handler for every job button; a job that is gone (or not yours) explains itself."""
    user_id = query.from_user.id
    job = await jobs.store.get(callback_data.job)
    if job is None or job.user_id != user_id:
        await conv.bot.send_message(
            user_id, _("delivery.job_gone"), reply_markup=keyboards.menu_only(_)
        )
        return
    action = callback_data.a
    if action == "c":
        await _cancel(job, jobs, progress, conv.bot, _)
    elif action in ("r", "v"):
        await _refill(job, action, conv, catalog, desk, _)
    elif action == "u":
        await _offer(job, catalog, conv.bot, _, conv.lang)
    elif action[1:].isdigit() and action.startswith("u"):
        await _reuse(job, int(action[1:]), conv, catalog, _)
    elif action == "F":
        await followups.show(job, conv, catalog, _)
    elif action.startswith("f"):
        await followups.start(job, action, conv, catalog, desk, _)
    elif action.startswith("L"):
        await lyrics.start(job, action, conv, catalog, desk, _)
    else:
        await conv.bot.send_message(
            user_id, _("bot.stale_button"), reply_markup=keyboards.menu_only(_)
        )


async def _cancel(job: Job, jobs: JobService, progress: Progress, bot: Bot, _: Text) -> None:
    cancelled = await jobs.cancel(job.id)
    if cancelled is None:
        current = await jobs.store.get(job.id) or job
        key = "delivery.cancel_done_already" if current.state.final else "delivery.cancel_late"
        await bot.send_message(job.chat_id, _(key))
        return
    await progress.finish(cancelled, Stage.CANCELLED)
    await bot.send_message(
        job.chat_id, _("delivery.cancelled"), reply_markup=keyboards.menu_only(_)
    )


async def _refill(
    job: Job, action: str, conv: Conversation, catalog: Catalog, desk: Desk, _: Text
) -> None:
    """Repeat: the confirm screen with the job's values; variation: its prompt step."""
    spec = catalog.get(job.model_id)
    if spec is None or not spec.usable:
        await _send(conv, _("bot.model_gone"), _)
        return
    values = values_from_payload(spec, job.payload)
    prompt = text_step(spec, values) if action == "v" else None
    state = state_at(spec, values, prompt.name if prompt else None)
    outlook = (
        Outlook() if prompt else await desk.outlook(spec, state["values"], job.user_id, conv.t)
    )
    await conv.start_filled(state, outlook.text, outlook.rows)


async def _offer(job: Job, catalog: Catalog, bot: Bot, _: Text, lang: str) -> None:
    """The models that can take this result as their first file."""
    targets = reuse_targets(catalog, job.output, job.result_urls[0]) if job.result_urls else []
    if not targets:
        await bot.send_message(job.chat_id, _("delivery.reuse_none"))
        return
    kb = InlineKeyboardBuilder()
    for index, (spec, _field) in enumerate(targets):
        kb.button(text=spec.name.get(lang), callback_data=JobAct(a=f"u{index}", job=job.id))
    kb.adjust(2)
    kb.row(keyboards.back_to_menu(_))
    await bot.send_message(job.chat_id, _("delivery.reuse_title"), reply_markup=kb.as_markup())


async def _reuse(job: Job, index: int, conv: Conversation, catalog: Catalog, _: Text) -> None:
    """Start the chosen model with the result already given as its first file."""
    targets = reuse_targets(catalog, job.output, job.result_urls[0]) if job.result_urls else []
    if not 0 <= index < len(targets):
        await _send(conv, _("bot.stale_button"), _)
        return
    spec, field = targets[index]
    values: dict[str, Any] = {field.name: media_value(field, [job.result_urls[0]])}
    await conv.start_filled(state_at(spec, values, first_unfilled(spec, values)))


async def _send(conv: Conversation, text: str, _: Text) -> None:
    await conv.bot.send_message(conv.chat_id, text, reply_markup=keyboards.menu_only(_))


def build_router() -> Router:
    """A fresh router with the job buttons' handler."""
    router = guard(Router(name="results"))
    router.callback_query.filter(Presses(JobAct))  # others' presses skip this router
    router.callback_query.register(job_action, JobAct.filter(), flags={ONCE: True})
    return router
