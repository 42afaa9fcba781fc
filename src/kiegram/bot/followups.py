"""Follow-ups in chat: their buttons under a result, the parent pick, the filled-in wizard.

A follow-up's button packs ``JobAct(a="f<code>.<item>", job=<parent job>)``; without
``.<item>`` (from the pick list) a follow-up of one item asks which result to take.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import keyboards
from kiegram.bot.callbacks import JobAct
from kiegram.bot.conversation import Conversation
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk, Outlook
from kiegram.bot.prefill import first_unfilled, state_at
from kiegram.catalog import Catalog, ModelSpec
from kiegram.catalog.followups import (
    ParentResult,
    applies,
    filled,
    followups_of,
    parents_of,
    per_item,
    refs_for,
    usable_item,
)
from kiegram.jobs import Job, JobState
from kiegram.kie.segments import segment_names
from kiegram.wizard.view import ScreenKind

PER_ROW = 4
PICK_SHOWN = 8
NAME_SHOWN = 24
DONE_STATES = frozenset({JobState.SUCCEEDED, JobState.DELIVERED})


def parent_result(catalog: Catalog, job: Job) -> ParentResult | None:
    """What a follow-up can take of a job: none unless it succeeded with results (files, or
    ids only: an Omni voice)."""
    results = job.result_urls or job.result_ids
    if job.task_id is None or not results or job.state not in DONE_STATES:
        return None
    spec = catalog.get(job.model_id)
    defaults = {} if spec is None else {i.name: i.default for i in spec.inputs}
    values = {k: v for k, v in defaults.items() if v is not None} | dict(job.payload)
    names = segment_names(job.result_text)
    return ParentResult(
        job.task_id,
        job.result_urls,
        job.result_ids,
        values,
        names,
        job.result_seconds,
        model=job.model_id,
    )


def offered(catalog: Catalog, job: Job) -> list[ModelSpec]:
    """The usable follow-ups a job's result can be given to."""
    parent = parent_result(catalog, job)
    if parent is None:
        return []
    return [s for s in followups_of(catalog, job.model_id) if applies(s, parent)]


def _label(
    spec: ModelSpec, parent: ParentResult, t: Callable[..., str], lang_name: str, number: str
) -> str:
    own = next((r.button for r in refs_for(spec, parent.model) if r.button), "")
    key = own or spec.button_key
    return t(key, n=number).strip() if key else f"{lang_name} {number}".strip()


def _named(label: str, parent: ParentResult, item: int) -> str:
    """A per-item label with the item's name where KIE gave one (a segment map's region)."""
    if item >= len(parent.names) or not parent.names[item]:
        return label
    return f"{label} · {parent.names[item][:NAME_SHOWN]}"


def rows(
    catalog: Catalog, job: Job, t: Callable[..., str], lang: str, only: str | None = None
) -> list[list[InlineKeyboardButton]]:
    """The follow-up buttons of a job: one per result item where the follow-up takes one."""
    parent = parent_result(catalog, job)
    if parent is None:
        return []
    out: list[list[InlineKeyboardButton]] = []
    for spec in offered(catalog, job):
        if only is not None and spec.code != only:
            continue
        name = spec.name.get(lang)
        many = per_item(spec) and parent.items > 1
        items = range(parent.items) if per_item(spec) else range(1)
        row = [
            _button(
                _named(_label(spec, parent, t, name, str(i + 1) if many else ""), parent, i),
                f"f{spec.code}.{i}",
                job,
            )
            for i in items
            if usable_item(spec, parent, i)
        ]
        out += [row[k : k + PER_ROW] for k in range(0, len(row), PER_ROW)]
    return out


def _button(text: str, action: str, job: Job) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=JobAct(a=action, job=job.id).pack())


async def show(job: Job, conv: Conversation, catalog: Catalog, _: Text) -> None:
    """The follow-ups of one job (from /history), or why there are none."""
    found = rows(catalog, job, conv.t, conv.lang)
    if not found:
        await _say(conv, _("followups.none"), _)
        return
    markup = InlineKeyboardMarkup(inline_keyboard=[*found, [keyboards.back_to_menu(_)]])
    await conv.bot.send_message(conv.chat_id, _("followups.title"), reply_markup=markup)


async def start(
    job: Job, action: str, conv: Conversation, catalog: Catalog, desk: Desk, _: Text
) -> None:
    """Open the follow-up's wizard filled in from the job (the item asked first if unknown)."""
    code, _dot, raw = action[1:].partition(".")
    spec = catalog.get(code)
    parent = parent_result(catalog, job)
    if spec is None or not spec.usable or parent is None or job.model_id not in parents_of(spec):
        await _say(conv, _("followups.gone"), _)
        return
    if not raw and per_item(spec) and parent.items > 1:
        found = rows(catalog, job, conv.t, conv.lang, only=spec.code)
        markup = InlineKeyboardMarkup(inline_keyboard=[*found, [keyboards.back_to_menu(_)]])
        await conv.bot.send_message(conv.chat_id, _("followups.pick_item"), reply_markup=markup)
        return
    item = int(raw) if raw.isdigit() else 0
    if not applies(spec, parent) or not usable_item(spec, parent, item):
        await _say(conv, _("followups.gone"), _)
        return
    values = filled(spec, parent, item)
    state = state_at(spec, values, first_unfilled(spec, values))
    outlook = Outlook()
    if state["screen"] == ScreenKind.CONFIRM.value:
        outlook = await desk.outlook(spec, state["values"], job.user_id, conv.t)
    await conv.start_filled(state, outlook.text, outlook.rows)


async def pick(
    spec: ModelSpec, jobs: Sequence[Job], conv: Conversation, catalog: Catalog, _: Text
) -> None:
    """A follow-up started from the menu: the user's finished generations it can take."""
    parents = parents_of(spec)
    fit = [j for j in jobs if j.model_id in parents and spec in offered(catalog, j)]
    name = html.quote(spec.name.get(conv.lang))
    if not fit:
        models = ", ".join(
            html.quote(p.name.get(conv.lang))
            for p in (catalog.get(m) for m in sorted(parents))
            if p is not None
        )
        await _say(conv, _("followups.pick_none", model=name, parents=models), _)
        return
    buttons = [
        [_button(_pick_label(j, catalog, conv.lang), f"f{spec.code}", j)] for j in fit[:PICK_SHOWN]
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=[*buttons, [keyboards.back_to_menu(_)]])
    await conv.bot.send_message(conv.chat_id, _("followups.pick", model=name), reply_markup=markup)


def _pick_label(job: Job, catalog: Catalog, lang: str) -> str:
    parent = catalog.get(job.model_id)
    name = parent.name.get(lang) if parent else job.model_id
    return f"{name} · {job.created_at.strftime('%d.%m %H:%M')}"


async def _say(conv: Conversation, text: str, _: Text) -> None:
    await conv.bot.send_message(conv.chat_id, text, reply_markup=keyboards.menu_only(_))
